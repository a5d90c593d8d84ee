# The system of the `qemu.blk_direct` test: one driver domain for QEMU's
# virtio-blk-device (the first virtio-mmio transport QEMU fills is the
# last one, at 0xa003e00), with 2 MiB of DMA memory. blk_test.py gives
# QEMU the disk.
moat_program(test_blk_direct SOURCES ${CMAKE_CURRENT_LIST_DIR}/blk_direct.c)
target_link_libraries(test_blk_direct PRIVATE moat_virtio_blk)
moat_driver_domain(NAME disk DEVICE virtio_mmio@a003e00 PROGRAM test_blk_direct PRIORITY 100
    DMA 2M)

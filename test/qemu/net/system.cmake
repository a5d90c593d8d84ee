# The system of the `qemu.net_direct` test: one driver domain for QEMU's
# virtio-net-device on its user-mode network (the first virtio-mmio
# transport QEMU fills is the last one, at 0xa003e00), with 2 MiB of DMA
# memory.
moat_program(test_net_direct SOURCES ${CMAKE_CURRENT_LIST_DIR}/net_direct.c)
target_link_libraries(test_net_direct PRIVATE moat_virtio_net)
moat_driver_domain(NAME nic DEVICE virtio_mmio@a003e00 PROGRAM test_net_direct PRIORITY 100
    DMA 2M)

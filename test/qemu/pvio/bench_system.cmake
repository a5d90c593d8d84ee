# The systems of the PV block benchmarks (./moat bench, docs/io.md "PV
# guests"): the block driver (program PV_BENCH_DRIVER: virtio_blk_bench
# counts the guest's stream) and backend, and one PV guest in mode
# PV_BENCH_MODE with 40 MiB of the disk from sector 2048, behind the
# console server. guests/linux/blk_bench.py gives QEMU the disk.
moat_driver_domain(NAME disk DEVICE virtio_mmio@a003e00 PROGRAM ${PV_BENCH_DRIVER} PRIORITY 200
    DMA 2M)
moat_domain(NAME blk PROGRAM blk PRIORITY 190)
moat_channel(blk disk SHARED_MEMORY 16K NOTIFY)
moat_guest(NAME pv KERNEL ${MOAT_PV_GUEST_BIN} MEMORY 8M BOOTARGS "pv.mode=${PV_BENCH_MODE}")
moat_channel(blk pv SHARED_MEMORY 16K NOTIFY)
moat_vdisk(GUEST pv SERVER blk FIRST 2048 SECTORS 81920)
moat_driver_domain(NAME uart DEVICE pl011@9000000 PROGRAM pl011 PRIORITY 210)
moat_domain(NAME console PROGRAM console PRIORITY 205 KERNEL_LOG)
moat_channel(console uart SHARED_MEMORY 4K NOTIFY)
moat_channel(console pv SHARED_MEMORY 4K NOTIFY)

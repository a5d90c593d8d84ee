# The system of the `qemu.pv_blk` test (docs/io.md, "PV guests"): the
# block driver domain and backend of the Linux disk tests, and two PV
# guests with a virtual disk each, driven by PV I/O. `victim` reads and
# measures; `hostile`, below it, attacks its own queue. Both have 8 MiB of
# RAM (guests/pv/io.c's RAM_BYTES). pv_io_test.py gives QEMU the disk.
moat_driver_domain(NAME disk DEVICE virtio_mmio@a003e00 PROGRAM virtio_blk PRIORITY 200
    DMA 2M)
moat_domain(NAME blk PROGRAM blk PRIORITY 190)
moat_channel(blk disk SHARED_MEMORY 16K NOTIFY)
moat_guest(NAME victim KERNEL ${MOAT_PV_GUEST_BIN} MEMORY 8M PRIORITY 120
    BOOTARGS "pv.mode=8")
moat_guest(NAME hostile KERNEL ${MOAT_PV_GUEST_BIN} MEMORY 8M PRIORITY 100
    BOOTARGS "pv.mode=9")
moat_channel(blk victim SHARED_MEMORY 16K NOTIFY)
moat_channel(blk hostile SHARED_MEMORY 16K NOTIFY)
moat_vdisk(GUEST victim SERVER blk FIRST 2048 SECTORS 8192)
moat_vdisk(GUEST hostile SERVER blk FIRST 12288 SECTORS 8192)
# The UART's driver and the console server, with a channel to each guest:
# each guest's VMM offers it a virtio console, its output's way out.
moat_driver_domain(NAME uart DEVICE pl011@9000000 PROGRAM pl011 PRIORITY 210)
moat_domain(NAME console PROGRAM console PRIORITY 205 KERNEL_LOG)
moat_channel(console uart SHARED_MEMORY 4K NOTIFY)
moat_channel(console victim SHARED_MEMORY 4K NOTIFY)
moat_channel(console hostile SHARED_MEMORY 4K NOTIFY)

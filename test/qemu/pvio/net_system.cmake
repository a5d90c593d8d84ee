# The system of the `qemu.pv_net` test (docs/io.md, "PV guests"): the
# network switch of the Linux network test, its uplink QEMU's user network
# through the NIC driver domain, and two PV guests on it driven by PV I/O:
# `alpha` (MAC 02:4d:4f:00:00:01) pings, `beta` (...:02) echoes.
moat_driver_domain(NAME nic DEVICE virtio_mmio@a003e00 PROGRAM virtio_net PRIORITY 200 DMA 2M)
moat_domain(NAME net PROGRAM net PRIORITY 190)
moat_channel(net nic SHARED_MEMORY 96K NOTIFY)
moat_guest(NAME alpha KERNEL ${MOAT_PV_GUEST_BIN} MEMORY 8M PRIORITY 100
    BOOTARGS "pv.mode=10")
moat_guest(NAME beta KERNEL ${MOAT_PV_GUEST_BIN} MEMORY 8M PRIORITY 100
    BOOTARGS "pv.mode=10")
moat_channel(net alpha SHARED_MEMORY 96K NOTIFY)
moat_channel(net beta SHARED_MEMORY 96K NOTIFY)
moat_vnic(GUEST alpha SERVER net)
moat_vnic(GUEST beta SERVER net)
moat_driver_domain(NAME uart DEVICE pl011@9000000 PROGRAM pl011 PRIORITY 210)
moat_domain(NAME console PROGRAM console PRIORITY 205 KERNEL_LOG)
moat_channel(console uart SHARED_MEMORY 4K NOTIFY)
moat_channel(console alpha SHARED_MEMORY 4K NOTIFY)
moat_channel(console beta SHARED_MEMORY 4K NOTIFY)

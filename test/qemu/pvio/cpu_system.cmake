# The system of the `qemu.pv_cpu_state` test (docs/vm.md, "What a guest
# cannot reach"): one PV guest that programs the PMU and the debug
# registers as a hostile guest would, behind the console server and the
# UART driver, native domains whose next access its watchpoint would catch
# were the registers its.
moat_guest(NAME cpu KERNEL ${MOAT_PV_GUEST_BIN} MEMORY 8M PRIORITY 100
    BOOTARGS "pv.mode=13")
moat_driver_domain(NAME uart DEVICE pl011@9000000 PROGRAM pl011 PRIORITY 210)
moat_domain(NAME console PROGRAM console PRIORITY 205 KERNEL_LOG)
moat_channel(console uart SHARED_MEMORY 4K NOTIFY)
moat_channel(console cpu SHARED_MEMORY 4K NOTIFY)

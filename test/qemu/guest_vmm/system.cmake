# The system of the `qemu.guest_vmm` test: Moat's PV guest (guests/pv)
# three times, each served by the real VMM (servers/vmm), at once:
# two in FP mode at one priority, filling their FP/SIMD registers with
# patterns of their own and yielding to each other 500 times, and one in
# fuzz mode, making 100,000 random hypercalls and accesses to the emulated
# GIC and PL011 and beyond; and once with two vCPUs, in SMP mode.
moat_guest(NAME fp1 KERNEL ${MOAT_PV_GUEST_BIN} MEMORY 4M PRIORITY 100
    BOOTARGS "pv.mode=4 pv.seed=1")
moat_guest(NAME fp2 KERNEL ${MOAT_PV_GUEST_BIN} MEMORY 4M PRIORITY 100
    BOOTARGS "pv.mode=4 pv.seed=2")
moat_guest(NAME fuzz KERNEL ${MOAT_PV_GUEST_BIN} MEMORY 4M PRIORITY 90
    BOOTARGS "pv.mode=2")
# Two vCPUs: PSCI CPU_ON, AFFINITY_INFO and CPU_OFF, bad requests too.
moat_guest(NAME smp KERNEL ${MOAT_PV_GUEST_BIN} MEMORY 4M VCPUS 2 PRIORITY 95
    BOOTARGS "pv.mode=7")

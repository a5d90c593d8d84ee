# On-target test scenarios, read by both builds: the target build makes
# each image, the host build registers each ctest test.
#
# moat_qemu_test(<name>
#     [SOURCES <payload .c files>]      kernel image with this payload, or
#     [ROOTSERVER_SOURCES <.c files>]   kernel image starting this root server
#     [SYSTEM <file.cmake>]             or the system this file declares
#                                       (docs/system.md; moat_system is added)
#     [IMAGE <path in the target build>] or boot an existing image
#     [EXPECT_EXIT <status>|stop]       QEMU's exit status; `stop`: end QEMU
#                                       once every EXPECT has matched
#     [EXPECT <regex>...]               must appear in the serial output, in order
#     [ANYWHERE <regex>...]             must appear, in any order (writers on other rings)
#     [FORBID <regex>...]               must not appear
#     [RUNNER <script> [<its options>]] sets the stage (a disk) and runs run_test.py
#     [TIMEOUT <seconds>]
#     [QEMU_ARGS <extra QEMU arguments>...]
#     [LABEL <ctest label>]             default `qemu`; `bench` for ./moat bench
#     [SERIAL])                         run alone (tests that measure wall time)

moat_qemu_test(boot
    SOURCES boot/boot_test.c
    EXPECT "Moat [0-9]+\\.[0-9]+\\.[0-9]+ \\(qemu-virt, EL2 with VHE\\)"
           "kernel map ready, 512 MiB RAM at 0x40000000"
           "GICv3 up"
           "boot: EL2, E2H=1, TGE=1, MMU on"
           "KTEST PASS")

moat_qemu_test(timer
    SOURCES timer/timer_test.c
    EXPECT "timer: 50 ticks at 100 Hz"
           "KTEST PASS")

moat_qemu_test(mmu
    SOURCES mmu/mmu_test.c
    EXPECT "KTEST PASS")

moat_qemu_test(fault
    SOURCES fault/fault_test.c
    EXPECT_EXIT 2
    EXPECT "unexpected exception in the kernel: synchronous, current EL with SP_ELx"
           "EC 0x25: data abort \\(same EL\\)"
           "translation fault, level 0, read"
           "FAR 0xffff7000dead0040"
           "x19 0000000000001234"
           "moat: panic: unexpected exception \\(EC 0x25\\)")

# The image ./moat run boots: the banner, the root server at EL0, and a
# kernel that keeps ticking while the root server waits.
moat_qemu_test(default_system
    IMAGE servers/demo/moat.img
    EXPECT_EXIT stop
    EXPECT "Moat [0-9.]+ \\(qemu-virt"
           "root: running at EL0, [0-9]+ untyped regions"
           "root: system 'moat': 1 domains, 0 channels"
           "root: started 'hello' in an address space of its own"
           "root: idle"
           "hello: domain 'hello' running in an address space of its own"
           "root: 'hello' says hello \\(41\\)"
           "hello: the root server answered 42"
           "root: 'hello' has finished"
           "moat: uptime 1 s"
           "moat: uptime 2 s")

# The kernel core seen from an unprivileged root server at EL0: retype,
# CNode operations, rights, badges, notifications, and their errors.
moat_qemu_test(kcore
    ROOTSERVER_SOURCES kcore/kcore_test.c
    EXPECT "moat: starting the root server"
           "kcore: all checks passed"
           "KTEST PASS")

# Isolation: a domain reading kernel memory takes a fault, which the kernel
# reports with the thread's name and decoded syndrome, and suspends it.
moat_qemu_test(user_fault
    ROOTSERVER_SOURCES user_fault/user_fault_test.c
    EXPECT_EXIT stop
    EXPECT "user_fault: reading kernel memory at 0xffff000040080000"
           "moat: thread 'root' faulted: EC 0x24: data abort \\(lower EL\\) \\(permission fault, level 3, read\\)"
           "FAR 0xffff000040080000 .*thread suspended")

# IPC between threads and the scheduler's order: Call/ReplyRecv with
# badges, preemption by a higher priority, round robin, deletion.
moat_qemu_test(ipc
    ROOTSERVER_SOURCES ipc/ipc_test.c
    EXPECT "ipc: 51 calls answered with badges and labels"
           "ipc: preemption and round robin in order"
           "ipc: bound notification ends a Recv"
           "KTEST PASS")

# Address spaces: page tables, frames, a child in its own VSpace and CSpace,
# IPC across address spaces, and the child's fault outside its VSpace,
# delivered to its fault handler.
moat_qemu_test(vspace
    ROOTSERVER_SOURCES vspace/vspace_test.c
    EXPECT "vspace: 20 calls into another address space answered"
           "vspace: child's fault at 0x400000 delivered twice to its handler"
           "KTEST PASS")

# Scheduling with time: round robin by time slice without yields, budget
# enforcement by scheduling contexts (the share is measured), and the
# SchedControl rules.
moat_qemu_test(sched
    SERIAL
    ROOTSERVER_SOURCES sched/sched_test.c
    EXPECT "sched: round robin over 300 ms"
           "sched: budget 2 ms / 10 ms over 500 ms: spinner share"
           "sched: all checks passed"
           "KTEST PASS")

# A user-level driver's view of a device (QEMU's PL031): device untyped,
# an uncached device mapping, IRQControl/IRQHandler, masking until Ack.
moat_qemu_test(irq
    ROOTSERVER_SOURCES irq/irq_test.c
    EXPECT "irq: RTC interrupt delivered as badge 0x40, masked until acknowledged"
           "irq: clear, handler deletion and notification deletion unbind the line"
           "KTEST PASS")

# Kernel microbenchmarks (./moat bench): instructions counted by the cycle
# counter under -icount shift=0.
moat_qemu_test(kernel_bench
    ROOTSERVER_SOURCES bench/bench.c
    QEMU_ARGS -icount shift=0
    LABEL bench
    TIMEOUT 300
    EXPECT "BENCH null_syscall [0-9]+ instructions"
           "BENCH ipc_call_reply_roundtrip [0-9]+ instructions"
           "BENCH signal_wake_higher [0-9]+ instructions"
           "BENCH yield_switch [0-9]+ instructions"
           "bench: done")

# Hostile-domain fuzzer: random system calls from a thread holding every
# kind of capability, with the kernel's invariant checker on; the kernel must
# not panic and an echo server in another address space keeps answering.
moat_qemu_test(kernel_fuzz
    ROOTSERVER_SOURCES fuzz/fuzz_test.c
    TIMEOUT 240
    EXPECT "fuzz: 100000 random system calls"
           "fuzz: [0-9]+ calls done, [0-9]+ restarts, echo server answered all"
           "KTEST PASS"
           "kernel invariants held at [0-9]+ checks")

# The same, 1,000,000 calls: `ctest --preset long` (not in ./moat test).
moat_qemu_test(kernel_fuzz_long
    ROOTSERVER_SOURCES fuzz/fuzz_long.c
    LABEL long
    TIMEOUT 1800
    EXPECT "fuzz: 1000000 random system calls"
           "fuzz: [0-9]+ calls done, [0-9]+ restarts, echo server answered all"
           "KTEST PASS"
           "kernel invariants held at [0-9]+ checks")

# The IPC fastpaths at their edges keep the general path's semantics.
moat_qemu_test(fastpath
    ROOTSERVER_SOURCES fastpath/fastpath_test.c
    EXPECT "fastpath: 31 calls served by 3 queued servers in FIFO order"
           "fastpath: a busy lower-priority server answers both of its callers"
           "KTEST PASS")

# The first guest: EL1 code in a GuestSpace, run by a vCPU thread; its
# hypercalls, a PSCI call answered by its VMM, MMIO reads and writes
# completed by the VMM, an abort injected (docs/vm.md).
moat_qemu_test(guest
    ROOTSERVER_SOURCES guest/guest_test.c guest/guest_common.c
    EXPECT "guest: ID_AA64PFR0_EL1 read trapped to the VMM"
           "pv: hello from EL1"
           "guest: console write ok, a bad IPA refused, PSCI call to the VMM"
           "guest: MMIO read of 1 byte at IPA 0x5000002a into w4, pc 0x400000[0-9a-f]+"
           "guest: MMIO write of 4 bytes, value 0xa5"
           "guest: abort injected, taken at its EL1 vector \\(ESR 0x96000010, FAR 0x5000003a\\)"
           "KTEST PASS")

# Virtual interrupts through the list registers, WFI blocking the vCPU,
# the guest's virtual timer forwarded while the vCPU waits.
moat_qemu_test(guest_irq
    ROOTSERVER_SOURCES guest/guest_irq_test.c guest/guest_common.c
    EXPECT "guest: virtual interrupt 40 taken after WFI"
           "guest: 6 interrupts injected at once, all taken in priority order"
           "guest: the end of interrupt 70 reported to its VMM before the guest went on"
           "guest: its virtual timer woke it from WFI after [0-9]+ us"
           "KTEST PASS")

# A signal's fastpath meets a vCPU's event falling due: the vCPU, above the
# woken thread, runs next, entered as a guest (its timer keeps counting).
moat_qemu_test(guest_signal
    ROOTSERVER_SOURCES guest/guest_signal_test.c guest/guest_common.c
    EXPECT "guest_signal: [0-9]+ signals, [0-9]+ wakes of the waiter in 300 ms"
           "guest_signal: the guest took [0-9]+ timer interrupts meanwhile"
           "KTEST PASS")

# A VMM without a scheduling context of its own serves a budgeted guest's
# hypercalls on the guest's budget: the two take the guest's share, and a
# thread below them gets the rest of the CPU (shares of wall time: alone).
moat_qemu_test(guest_budget
    SERIAL
    ROOTSERVER_SOURCES guest/guest_budget_test.c guest/guest_common.c
    EXPECT "guest_budget: [0-9]+ hypercalls served in 300 ms, and the thread below ran [0-9]+% of the time"
           "KTEST PASS")

# Moat's PV guest (guests/pv) under a small VMM: every hypercall and device
# path, bad arguments included; then a hostile run of 100,000 random
# hypercalls and accesses that neither the kernel nor the VMM survives badly.
moat_qemu_test(guest_pv
    ROOTSERVER_SOURCES guest/pv_vmm_test.c guest/guest_common.c
    EXPECT "pv: Moat PV guest at EL1, mode 1"
           "pv: console write across pages: ok"
           "pv: test mode: 0 failure\\(s\\)"
           "vmm: guest powered off"
           "KTEST PASS")
moat_qemu_test(guest_pv_fuzz
    ROOTSERVER_SOURCES guest/pv_vmm_test.c guest/guest_common.c
    TIMEOUT 300
    EXPECT "pv: Moat PV guest at EL1, mode 2"
           "pv: fuzz mode: 100000 steps"
           "vmm: guest powered off; served [0-9]+ hypercalls"
           "KTEST PASS"
           "kernel invariants held at [0-9]+ checks")

# Guest benchmarks (./moat bench): a null hypercall, an emulated-register
# load through the VMM, an injected interrupt's latency.
moat_qemu_test(guest_bench
    ROOTSERVER_SOURCES guest/guest_bench.c guest/guest_common.c
    QEMU_ARGS -icount shift=0
    LABEL bench
    TIMEOUT 300
    EXPECT "BENCH hvc_null_roundtrip [0-9]+ instructions"
           "BENCH mmio_trap_roundtrip [0-9]+ instructions"
           "BENCH virq_inject_latency [0-9]+ instructions"
           "bench: done")

# Capability transfer over IPC with the grant right.
moat_qemu_test(grant
    ROOTSERVER_SOURCES grant/grant_test.c
    EXPECT "grant: capabilities move only with the grant right, into the named slot"
           "KTEST PASS")

# The root server loading domains from the image: each in its own address
# space with one capability; a domain using a capability it was not given
# gets an error, and its fault is delivered to the root server, which
# reports it by name while the other domain carries on.
moat_qemu_test(domains
    SYSTEM domains/system.cmake
    EXPECT_EXIT stop
    EXPECT "root: started 'faulty' in an address space of its own"
           "root: started 'hello' in an address space of its own"
           "faulty: a capability it does not hold: error 6"
           "root: domain 'faulty' faulted: memory fault at 0x7000000, pc 0x4[0-9a-f]+, ESR 0x92[0-9a-f]+\\; left stopped"
           "root:   data abort \\(lower EL\\): translation fault, level [0-3], read"
           "root: 'hello' says hello \\(41\\)"
           "root: 'hello' has finished")

# A system declared through the API (docs/system.md): a driver domain holds
# the PL031's registers and interrupt; a second domain, with a scheduling
# context and one channel to it, holds exactly its declared capabilities,
# cannot map or retype anything, and faults (reported by name) when it
# touches the driver's device address, while the driver carries on.
moat_qemu_test(system
    SYSTEM system/system.cmake
    EXPECT_EXIT stop
    EXPECT "root: system 'qemu_system': 2 domains, 1 channels"
           "root: started 'rtc' in an address space of its own"
           "root: started 'probe' in an address space of its own"
           "rtc_driver: PL031 at 0x9010000 \\(INTID 34\\), id 0x31, time [1-9][0-9]* s"
           "probe: info page describes one channel and no device: ok"
           "probe: 3 capabilities in 32 slots"
           "probe: CSpace holds exactly its declared capabilities: ok"
           "probe: an address outside the CSpace fails to resolve: ok"
           "probe: mapping or retyping anything is refused: ok"
           "rtc_driver: signal 0x2 from 'probe', shared word 0x5ca1ab1e"
           "probe: 0 check\\(s\\) failed"
           "root: domain 'probe' faulted: memory fault at 0x60000000"
           "root:   data abort \\(lower EL\\): translation fault")

# Guests declared through the API (docs/system.md): the root server builds
# each guest's VMM domain (here the test's own VMM, shared by two guests)
# with the guest's RAM, files and suspended vCPU; the VMM checks all of it,
# runs its vCPU, and reports the guest's events, which the root logs with
# its free memory (the same before and after); a domain's guest event is
# refused; the files are read-only in the VMM. Guest beta has a virtual
# disk: its backend finds it at its channel to beta, its VMM finds its
# channel and size, every VMM its RAM's physical addresses, and the block
# driver beta's RAM as ranges, read-only. Both guests have a virtual NIC
# on the switch: it finds their MACs at its channels to them, each VMM its
# channel and MAC (and the NET flag).
moat_qemu_test(guest_build
    SYSTEM guest_build/system.cmake
    EXPECT_EXIT stop
    EXPECT "root: system 'qemu_guest_build': 4 domains, 4 channels, 2 guests"
           "root: guest 'beta' has a virtual disk of 4096 sectors from sector 2048 on 'blk', read-only"
           "root: guest 'alpha' has a virtual NIC 52:54:00:12:34:56 on 'switch'"
           "root: guest 'beta' has a virtual NIC 02:4d:4f:00:00:02 on 'switch'"
           "root: started the VMM of guest 'alpha' \\(program 'test_guest_vmm'\\): 32 MiB of RAM, 3 vCPUs, kernel 35655905 bytes, initrd 1048653 bytes"
           "root: started the VMM of guest 'beta' \\(program 'test_guest_vmm'\\): 4 MiB of RAM, 1 vCPU, kernel 2097152 bytes, initrd 0 bytes"
           "root: 'probe' sent a guest event but is no guest's VMM. refused"
           "probe: a guest event from a domain is refused: ok"
           "vdisk_probe: 'blk': channel 1 to 'beta': a virtual disk of 4096 sectors from sector 2048, flags 0x1"
           "vdisk_probe: 'blk': ok"
           "vdisk_probe: 'disk': [1-9][0-9]* range\\(s\\) of guest RAM, 4096 KiB in all, 0 unlike beta's"
           "vdisk_probe: 'disk': ok"
           "root: domain 'disk' faulted: memory fault at 0x10002000, .* \\(write\\). left stopped"
           "vnic_probe: 'switch': channel 0 to 'alpha': MAC 52:54:00:12:34:56, flags 0x1"
           "vnic_probe: 'switch': channel 1 to 'beta': MAC 02:4d:4f:00:00:02, flags 0x1"
           "vnic_probe: 'switch': 2 channels, 0 vnic entries wrong: ok"
           "vmm_test: guest 'beta': both info pages describe the guest: ok"
           "vmm_test: guest 'beta': blk_channel 1, 4096 sectors, flags 0x1"
           "vmm_test: guest 'beta': its virtual disk: ok"
           "vmm_test: guest 'beta': net_channel 2, MAC 02:4d:4f:00:00:02"
           "vmm_test: guest 'beta': its virtual NIC: ok"
           "vmm_test: guest 'beta': 2 RAM blocks from 0x[0-9a-f]+, 0 addresses wrong, 0 repeated"
           "vmm_test: guest 'beta': 4 MiB of RAM, 0 words not zero, 0 not kept"
           "vmm_test: guest 'beta': its kernel's bytes: ok"
           "vmm_test: guest 'beta': 8 capabilities in 32 slots"
           "root: guest 'beta' started. free memory ([0-9]+) KiB[\\s\\S]*vmm_test: guest 'beta': vCPU exit, badge 1, label 0xf003, x0 0x84000008, x1 0x6d6f617467756573[\\s\\S]*root: guest 'beta' powered off. free memory \\1 KiB"
           "root: guest 'beta' sent unknown event 99. refused"
           "root: guest 'beta' sent an event without its word. refused"
           "vmm_test: guest 'beta': 0 check\\(s\\) failed"
           "root: domain 'beta' faulted: memory fault at 0x200000000, .* \\(write\\). left stopped"
           "vmm_test: guest 'alpha': both info pages describe the guest: ok"
           "vmm_test: guest 'alpha': blk_channel 0, 0 sectors, flags 0x0"
           "vmm_test: guest 'alpha': net_channel 1, MAC 52:54:00:12:34:56"
           "vmm_test: guest 'alpha': its virtual NIC: ok"
           "vmm_test: guest 'alpha': 16 RAM blocks from 0x[0-9a-f]+, 0 addresses wrong, 0 repeated"
           "vmm_test: guest 'alpha': 32 MiB of RAM, 0 words not zero, 0 not kept"
           "vmm_test: guest 'alpha': its kernel's bytes: ok"
           "vmm_test: guest 'alpha': its initrd's bytes: ok"
           "root: guest 'alpha' started. free memory ([0-9]+) KiB[\\s\\S]*vmm_test: guest 'alpha': vCPU exit, badge 3, label 0xf003, x0 0x84000008, x1 0x6d6f617467756573[\\s\\S]*vmm_test: guest 'alpha': each vCPU ran and asked to power off: ok[\\s\\S]*root: guest 'alpha' powered off. free memory \\1 KiB"
           "vmm_test: guest 'alpha': 0 check\\(s\\) failed"
           "root: domain 'alpha' faulted: memory fault at 0x200000000")

# The PV guest under servers/vmm: FP/SIMD registers kept across switches
# between two guests, PSCI on a guest of two vCPUs, and a hostile guest that neither the kernel nor its
# VMM gives way to (docs/vm.md).
moat_qemu_test(guest_vmm
    SYSTEM guest_vmm/system.cmake
    EXPECT_EXIT stop
    TIMEOUT 120
    EXPECT "pv: FP mode, seed [12]: 500 rounds, 0 register\\(s\\) wrong"
           "pv: FP mode, seed [12]: 500 rounds, 0 register\\(s\\) wrong"
           "pv: vCPU up with context 0x5ec1, MPIDR 0x80000001"
           "pv: vCPU up with context 0x5ec2, MPIDR 0x80000001"
           "pv: smp mode: 0 failure\\(s\\)"
           "vmm: guest 'smp' is off"
           "pv: fuzz mode: 100000 steps, [0-9]+ device accesses, [1-9][0-9]* exceptions"
           "vmm: guest 'fuzz' is off"
           "root: guest 'fuzz' powered off")

# FP/SIMD switching between guests, eager by owner (the kernel's) and lazy
# (a kernel built with MOAT_FP_LAZY): docs/vm.md compares the figures.
foreach(strategy eager lazy)
  if(strategy STREQUAL lazy)
    set(kernel moat_kernel_fp_lazy)
  else()
    set(kernel moat_kernel)
  endif()
  moat_qemu_test(guest_switch_${strategy}
      ROOTSERVER_SOURCES guest/switch_bench.c guest/guest_common.c
      KERNEL ${kernel}
      QEMU_ARGS -icount shift=0
      LABEL bench
      TIMEOUT 300
      EXPECT "BENCH guest_switch_fp_fp_${strategy} [0-9]+ instructions"
             "BENCH guest_switch_fp_nofp_${strategy} [0-9]+ instructions"
             "bench: done")
endforeach()

# The console chain (docs/console.md): the root server hands the kernel's
# UART to the PL011 driver domain and the kernel log to the console server;
# from then on every line, the kernel's and the domains', arrives prefixed
# with its writer's name and whole although two domains write a character
# at a time in turns; a hostile client's bad chunk and broken ring are
# logged and dropped; input typed on the serial line goes to the focused
# client, to the next one after Ctrl-A n, and to the first after Ctrl-A 1.
moat_qemu_test(console
    SYSTEM console/system.cmake
    EXPECT_EXIT stop
    TIMEOUT 30
    EXPECT "root: system 'qemu_console': 5 domains, 4 channels"
           "\\[console\\] 3 client\\(s\\). the driver is 'uart'"
           "\\[console\\] input goes to 'alpha'"
           "\\[root\\] root: the kernel's console goes to 'uart'. its log to 'console'"
           "\\[root\\] root: started 'alpha' in an address space of its own"
           "\\[uart\\] pl011: UART at 0x9000000, INTID 33, for console 'console'"
           "\\[mallory\\] hostile: a fair line first"
           "\\[console\\] 'mallory' sent a chunk of 200 bytes: dropped"
           "\\[console\\] 'mallory' broke its ring \\(peer index out of range\\): no longer served"
           "\\n\\[alpha\\] alpha: putc line 3 abcdefghijklmnopqrstuvwxyz\\r?\\n"
           "\\n\\[beta\\] beta: channel line 3 ABCDEFGHIJKLMNOPQRSTUVWXYZ\\r?\\n"
           "\\[alpha\\] alpha: input 'hello'"
           "\\[console\\] input goes to 'beta'"
           "\\[beta\\] beta: input 'world'"
           "\\[console\\] input goes to 'alpha'"
           "\\[alpha\\] alpha: input 'again'"
           "\\[kernel\\] moat: uptime [0-9]+ s"
    SEND "ready for input[\\s\\S]*ready for input" "hello\\r"
         "\\[alpha\\] alpha: input 'hello'" "\\x01n"
         "\\[console\\] input goes to 'beta'" "world\\r"
         "\\[beta\\] beta: input 'world'" "\\x011again\\r"
    FORBID "^\\[alpha\\] .*beta" "^\\[beta\\] .*alpha" "^\\[alpha\\] alpha: input 'world'" "^\\[beta\\] beta: input '(hello|again)'"
           "^(root: started|moat: uptime|alpha: |beta: )" "^\\[(alpha|beta)\\] (alpha|beta): (putc|channel) line [0-9] [a-zA-Z]{0,25}\\r?$")

# The kernel's uptime report waits for the end of a domain's line on the
# UART: the root's line, written in two halves 1.5 s apart, comes out whole.
moat_qemu_test(klog_line
    ROOTSERVER_SOURCES klog/klog_line_test.c
    EXPECT "klog_line: one half, the other half"
           "moat: uptime [0-9]+ s")

# The kernel log ring seen from the root server (docs/console.md): the
# frame only read-only, KLog only moved, KLog_Attach's checks, records
# naming the writer, and after the Attach no byte on the UART (the verdict
# is the exit status; DebugHalt prints as a last resort), a signal per line
# and per half ring, and no waiting for a reader.
moat_qemu_test(klog
    ROOTSERVER_SOURCES klog/klog_test.c
    EXPECT "klog: a record"
           "klog: frame read-only, KLog not copied, bad attaches refused: ok"
           "moat: root halted the system with status 0"
    FORBID "klog: after the handover" "xxxx")

# The virtio block driver on QEMU's virtio-blk-device (docs/io.md): a driver
# domain with DMA memory reads the disk blk_test.py wrote, writes and
# flushes a range, refuses requests outside the disk or its buffers; then
# blk_test.py finds exactly that range changed on the host.
moat_qemu_test(blk_direct
    SYSTEM blk/system.cmake
    RUNNER blk/blk_test.py
    EXPECT_EXIT stop
    EXPECT "root: started 'disk' in an address space of its own"
           "blk_direct: DMA memory at 0x70000000, physical 0x[0-9a-f]+, 2048 KiB"
           "blk_direct: virtio-blk at 0xa003e00 \\(INTID 79\\): 16384 sectors"
           "blk_direct: read 2048 sectors: 0 errors, 0 words unlike the host's pattern"
           "blk_direct: flushed: ok"
           "blk_direct: our pattern read back: ok"
           "blk_direct: a sequential read of 4 MiB, 16 requests in flight: ok"
           "blk_direct: 0 check\\(s\\) failed")

# The virtio network driver on QEMU's virtio-net-device and its user-mode
# network (docs/io.md): a driver domain with DMA memory resolves the
# gateway 10.0.2.2 by ARP, pings it 48 times in bursts of 16 and checks
# every reply (the first reply's checksum is computed independently:
# 0xc98d), refuses frames of bad lengths, and drops or refuses the used
# elements it forges as a hostile device; the interrupt is waited for twice.
moat_qemu_test(net_direct
    SYSTEM net/system.cmake
    QEMU_ARGS -netdev user,id=n0 -device virtio-net-device,netdev=n0
              -global virtio-mmio.force-legacy=false
    EXPECT_EXIT stop
    EXPECT "root: started 'nic' in an address space of its own"
           "net_direct: virtio-net at 0xa003e00 \\(INTID 79\\), features 0x100000020, MAC 52:54:00:12:34:56"
           "net_direct: an ARP request for 10.0.2.2 sent: ok"
           "net_direct: ARP: 10.0.2.2 is at 52:55:0a:00:02:02"
           "net_direct: the ARP reply comes from 10.0.2.2 and is for us: ok"
           "net_direct: echo: 48 of 48 replies right \\(id 0x4d54, seq 1-48, 56-byte payloads\\), the first's ICMP checksum 0xc98d"
           "net_direct: every echo request answered, each reply checked: ok"
           "net_direct: a frame of 13 bytes is refused: ok"
           "net_direct: a frame of 1515 bytes is refused: ok"
           "net_direct: nothing refused was sent: ok"
           "net_direct: frames of 14 and 1514 bytes are sent: ok"
           "net_direct: a receive buffer under 1514 bytes is refused: ok"
           "net_direct: the device's interrupt arrives, and again after it is acknowledged: ok"
           "net_direct: 52 frames sent, 50 received \\(0 others\\), 0 dropped"
           "net_direct: a frame shorter than an Ethernet header is dropped: ok"
           "net_direct: a frame with offload state never negotiated is dropped: ok"
           "net_direct: a frame longer than its buffer breaks the queue: ok"
           "net_direct: a broken device sends nothing: ok"
           "net_direct: 0 check\\(s\\) failed"
    FORBID "WRONG")

# The NIC driver program (drivers/virtio_net, docs/net.md) between QEMU's
# virtio-net-device and its channel to the switch, with a test domain in
# the switch's place: an ARP exchange and a burst of 24 pings with the
# gateway through the driver's rings, and a frame of a bad length dropped.
moat_qemu_test(net_nic
    SYSTEM net/nic_system.cmake
    QEMU_ARGS -netdev user,id=n0 -device virtio-net-device,netdev=n0
              -global virtio-mmio.force-legacy=false
    EXPECT_EXIT stop
    EXPECT "virtio_net: MAC 52:54:00:12:34:56 at 0xa003e00 \\(INTID 79\\) for 'switch'"
           "net_nic: the switch's end of the channel to 'nic'"
           "net_nic: the gateway's ARP reply comes back through the driver: ok"
           "net_nic: ARP: 10.0.2.2 is at 52:55:0a:00:02:02"
           "net_nic: echo: 24 sent, 24 of 24 replies right"
           "net_nic: every echo request through the driver answered: ok"
           "virtio_net: a frame of 13 bytes from the switch dropped"
           "net_nic: 0 check\\(s\\) failed"
    FORBID "WRONG")

# PV I/O (docs/io.md, "PV guests"): two PV guests with a virtual disk each,
# their queues in their own RAM, set up and notified by hypercall. The
# victim checks its disk's contents, writes, flushes, and reads on from
# 1.5 s to 7.5 s of the counter; the hostile guest, below it, sends every
# kind of bad chain, an index jump and notification floods, each of which
# must be refused (and logged by its VMM) with its queue working after,
# then repeats them in every odd 100 ms slot of that window. The victim must
# read at least 90% as much in the attacked slots as in the quiet ones;
# pv_io_test.py then finds only the victim's write changed on the disk.
# It compares shares of wall-clock time, so nothing else runs beside it.
moat_qemu_test(pv_blk SERIAL
    SYSTEM pvio/system.cmake
    RUNNER pvio/pv_io_test.py
    TIMEOUT 90
    EXPECT_EXIT stop
    EXPECT "blk: 'victim' gets sectors 2048-10239 of 'disk'"
           "blk: 'hostile' gets sectors 12288-20479 of 'disk'"
    ANYWHERE "\\[victim\\] pv: its output through a virtio console: ok"
           "\\[hostile\\] pv: its output through a virtio console: ok"
           "pv: bad calls refused: ok"
           "pv: an honest read: ok"
           "vmm: guest 'hostile': disk: bad length"
           "pv: hostile: a descriptor of length 0 refused: ok"
           "vmm: guest 'hostile': disk: chain longer than queue \\(loop\\)"
           "pv: hostile: a chain that loops refused: ok"
           "vmm: guest 'hostile': disk: address outside shared windows[\\s\\S]*vmm: guest 'hostile': disk: address outside shared windows"
           "pv: hostile: a header outside RAM refused: ok"
           "pv: hostile: a buffer past the end of RAM refused: ok"
           "vmm: guest 'hostile': disk: next index out of range"
           "pv: hostile: a next index beyond the table refused: ok"
           "vmm: guest 'hostile': disk: data not whole sectors, or too long"
           "pv: hostile: a request of 1 MiB refused: ok"
           "vmm: guest 'hostile': disk: sectors beyond the disk \\(0x1fff\\)"
           "pv: hostile: a read past its disk refused: ok"
           "vmm: guest 'hostile': disk: peer index out of range"
           "pv: an index jump breaks the queue, a reset mends it: ok"
           "vmm: guest 'hostile': disk: notifications with nothing new, so far \\(0x400\\)"
           "pv: a flood of notifications changes nothing: ok"
           "\\[victim\\] pv: under attack, at least 90% of the undisturbed throughput: ok"
           "\\[victim\\] pv: blk mode: 0 failure\\(s\\)"
           "\\[hostile\\] pv: hostile mode: 0 failure\\(s\\)"
    FORBID "WRONG")

# PV I/O's network frontend (docs/io.md, "PV guests"): two PV guests on
# the switch, whose uplink is QEMU's user network through the NIC driver.
# alpha sends 64 frames to beta and checks each echo, resolves QEMU's
# gateway by ARP through the uplink, then sends a frame with beta's MAC as
# its source (the switch drops and counts it; beta must never see it) and
# frames of 10 and 1600 bytes (its VMM refuses them), and an echo must
# still come back after them. Both print through their virtio consoles.
# A guest at the CPU state every domain shares: the PMU and the debug
# registers read as zero and ignore its writes, and the native console
# server and UART driver go on working after it set a watchpoint on every
# EL0 address they use. The kernel is the deployed one: a benchmark build
# lets guests use the counters (docs/vm.md, "What a guest cannot reach").
moat_qemu_test(pv_cpu_state
    SYSTEM pvio/cpu_system.cmake
    KERNEL moat_kernel_deployed
    TIMEOUT 60
    EXPECT_EXIT stop
    EXPECT "\\[cpu\\] pv: PMCR_EL0 reads as zero: ok"
           "\\[cpu\\] pv: PMCCNTR_EL0 and PMEVCNTR0_EL0 read as zero: ok"
           "\\[cpu\\] pv: PMCR_EL0 still reads as zero after writes: ok"
           "\\[cpu\\] pv: its watchpoint, breakpoint and MDSCR_EL1 read as zero: ok"
           "\\[cpu\\] pv: the OS lock's status reads as zero: ok"
           "\\[cpu\\] pv: cpu-state: line 2 after the attack"
           "\\[cpu\\] pv: cpu-state mode: 0 failure\\(s\\)"
           "root: guest 'cpu' powered off"
    FORBID "WRONG" "faulted")

moat_qemu_test(pv_net
    SYSTEM pvio/net_system.cmake
    QEMU_ARGS -netdev user,id=n0 -device virtio-net-device,netdev=n0
              -global virtio-mmio.force-legacy=false
    TIMEOUT 60
    EXPECT_EXIT stop
    EXPECT "net: uplink 'nic', 2 guest port\\(s\\)"
    ANYWHERE "\\[alpha\\] pv: net: MAC 02:4d:4f:00:00:01"
           "\\[alpha\\] pv: net: 64 of 64 echoes right"
           "\\[alpha\\] pv: net: ARP: 10.0.2.2 is at 52:55:0a:00:02:02"
           "net: port 'alpha': 1 frame\\(s\\) with a spoofed source dropped"
           "vmm: guest 'alpha': network: a transmitted frame too short or too long[\\s\\S]*vmm: guest 'alpha': network: a transmitted frame too short or too long"
           "\\[alpha\\] pv: an echo after them: ok"
           "\\[beta\\] pv: net: echoed [0-9]+ frame\\(s\\), 0 with its own MAC as the source"
           "\\[beta\\] pv: net mode: 0 failure\\(s\\)"
           "\\[alpha\\] pv: net mode: 0 failure\\(s\\)"
    FORBID "WRONG")

# BENCH blk_pv_vs_direct (and _write): the PV guest's sequential 32 MiB
# read and write through its VMM, the backend and the driver, against the
# driver's own, in instructions (virtio_blk_bench counts both).
set(PV_BENCH_DRIVER virtio_blk_bench)
set(PV_BENCH_MODE 11)
moat_qemu_test(pv_blk_bench
    SYSTEM pvio/bench_system.cmake
    RUNNER ../../guests/linux/blk_bench.py
    LABEL bench
    TIMEOUT 600
    EXPECT_EXIT stop
    EXPECT "virtio_blk: bench: the guest's write of 32 MiB"
           "\\[pv\\] pv: blk bench mode: 0 failure\\(s\\)"
           "root: guest 'pv' powered off")

# BENCH notify_per_request_qd32: 8192 reads of 4 KiB, 32 in flight; the
# guest's VMM counts the notifications each way.
set(PV_BENCH_DRIVER virtio_blk)
set(PV_BENCH_MODE 12)
moat_qemu_test(pv_blk_qd32
    SYSTEM pvio/bench_system.cmake
    RUNNER ../../guests/linux/blk_bench.py --qd32
    LABEL bench
    TIMEOUT 600
    EXPECT_EXIT stop
    EXPECT "\\[pv\\] pv: blk bench mode: 0 failure\\(s\\)"
           "root: guest 'pv' powered off")

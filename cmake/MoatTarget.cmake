# Flags and helpers shared by everything built for the target.

find_package(Python3 REQUIRED COMPONENTS Interpreter)
get_filename_component(MOAT_KERNEL_DIR ${CMAKE_CURRENT_LIST_DIR}/../kernel ABSOLUTE)
get_filename_component(MOAT_CMAKE_DIR ${CMAKE_CURRENT_LIST_DIR} ABSOLUTE)

set(CMAKE_C_STANDARD 11)
set(CMAKE_C_STANDARD_REQUIRED ON)

set(MOAT_PLATFORM qemu-virt CACHE STRING "Target platform")
set(MOAT_SEMIHOSTING ON CACHE BOOL
    "Use semihosting to end QEMU with a status (system off, panic, tests)")
set(MOAT_DEBUG_SYSCALLS ON CACHE BOOL
    "Debug system calls: console output and system halt for any thread")
set(MOAT_INVARIANTS ON CACHE BOOL
    "Check kernel invariants every 1024 system calls (debug builds)")
set(MOAT_USER_CYCLE_COUNTER ON CACHE BOOL
    "Let domains read PMCCNTR_EL0 (benchmarks); off in deployed systems")

# Freestanding, no FP/SIMD in the kernel, no libgcc.
set(MOAT_TARGET_CFLAGS
    -ffreestanding -nostdlib -mgeneral-regs-only -march=armv8.1-a -mbranch-protection=none
    -fno-pie -fno-pic -fno-stack-protector -fno-common
    -fno-asynchronous-unwind-tables -fno-tree-loop-distribute-patterns
    -Wall -Wextra -Werror -O2 -g)
add_compile_options(${MOAT_TARGET_CFLAGS})
add_link_options(-nostdlib -nostartfiles -static -no-pie
                 -Wl,--build-id=none -Wl,-z,noexecstack -Wl,--fatal-warnings)

# The QEMU command line of the reference platform, written once, read by
# ./moat and the test runner. `-nic none`: no default PCI network card
# (it would need an option ROM that QEMU packages only recommend); the
# systems that use a network device add virtio-mmio ones themselves.
set(MOAT_QEMU_RAM_MIB 512)
set(MOAT_QEMU_ARGS
    -machine virt,virtualization=on,gic-version=3
    -cpu max -smp 1 -m ${MOAT_QEMU_RAM_MIB}M -nic none
    -semihosting-config enable=on,target=native)
string(REPLACE ";" "\n" _qemu_args "${MOAT_QEMU_ARGS}")
file(WRITE ${CMAKE_BINARY_DIR}/qemu-args.txt "${_qemu_args}\n")

# The system of the `qemu.guest_build` test: two guests whose VMM is the
# test's own (vmm_test.c), checking everything the root server gave it,
# one domain (event_probe.c) that may not report on a guest, a block
# backend and driver (vdisk_probe.c) checking guest beta's virtual disk,
# and a network switch (vnic_probe.c) checking both guests' virtual NICs. The
# guests' kernel and initrd files are generated patterns (make_files.py).
set(guest_build_dir ${CMAKE_CURRENT_BINARY_DIR}/guest_build)
set(guest_build_files ${guest_build_dir}/alpha.kernel ${guest_build_dir}/alpha.initrd
    ${guest_build_dir}/beta.kernel)
add_custom_command(OUTPUT ${guest_build_files} ${guest_build_dir}/guest_files.h
    COMMAND Python3::Interpreter ${CMAKE_CURRENT_LIST_DIR}/make_files.py ${guest_build_dir}
    DEPENDS ${CMAKE_CURRENT_LIST_DIR}/make_files.py
    COMMENT "Guest files of qemu.guest_build"
    VERBATIM)

moat_program(test_guest_vmm SOURCES ${CMAKE_CURRENT_LIST_DIR}/vmm_test.c
    ${guest_build_dir}/guest_files.h)
target_include_directories(test_guest_vmm PRIVATE ${guest_build_dir})
moat_program(test_event_probe SOURCES ${CMAKE_CURRENT_LIST_DIR}/event_probe.c)
moat_program(test_vdisk_probe SOURCES ${CMAKE_CURRENT_LIST_DIR}/vdisk_probe.c)
moat_program(test_vnic_probe SOURCES ${CMAKE_CURRENT_LIST_DIR}/vnic_probe.c)

moat_domain(NAME probe PROGRAM test_event_probe PRIORITY 200)
# vmm_test.c's table of expectations repeats these declarations.
moat_guest(NAME alpha KERNEL ${guest_build_dir}/alpha.kernel INITRD ${guest_build_dir}/alpha.initrd
    BOOTARGS "console=hvc0 moat.test=alpha" MEMORY 32M VCPUS 3 PRIORITY 90
    BUDGET_US 2000 PERIOD_US 10000 VMM test_guest_vmm NET CONSOLE)
moat_guest(NAME beta KERNEL ${guest_build_dir}/beta.kernel MEMORY 4M VMM test_guest_vmm)
# vdisk_probe.c and vmm_test.c repeat these; below the probe, above the VMMs,
# the backend above its driver so that their lines never mix.
moat_domain(NAME blk PROGRAM test_vdisk_probe PRIORITY 150)
moat_driver_domain(NAME disk DEVICE virtio_mmio@a000000 PROGRAM test_vdisk_probe PRIORITY 140)
moat_channel(blk disk SHARED_MEMORY 16K NOTIFY)
moat_channel(blk beta SHARED_MEMORY 16K NOTIFY)
moat_vdisk(GUEST beta SERVER blk FIRST 2048 SECTORS 4096 READ_ONLY)
# vnic_probe.c and vmm_test.c repeat these; below the block probes (its
# lines come after theirs), above the VMMs. Alpha's MAC is given, beta's
# the default for guest index 1.
moat_domain(NAME switch PROGRAM test_vnic_probe PRIORITY 130)
moat_channel(switch alpha SHARED_MEMORY 96K NOTIFY)
moat_channel(switch beta SHARED_MEMORY 96K NOTIFY)
moat_vnic(GUEST alpha SERVER switch MAC 52:54:00:12:34:56)
moat_vnic(GUEST beta SERVER switch)

#!/usr/bin/env python3
"""Mistakes in a system declared through the CMake API fail configuration
(API misuse) or the build (what moat-sysgen finds), each with its own
message naming the declaration. Every case is a small out-of-tree project
written by this test; the test checks the message text, not just failure.

usage: api_errors_test.py MOAT_SOURCE_DIR MOAT_SYSGEN
"""
import os
import shutil
import subprocess
import sys
import tempfile

HEAD = """cmake_minimum_required(VERSION 3.25)
include({moat}/cmake/Moat.cmake)
project(bad C ASM)
moat_sdk()
moat_program(app SOURCES app.c)
"""

APP = "int main(void *arg) { (void)arg; return 0; }\n"

GUEST = "moat_guest(NAME g KERNEL app.c MEMORY 2M VMM app {})\n"

# (name, declarations, stage that must fail, message fragment or fragments)
CASES = [
    ("missing_program", "moat_domain(NAME a PRIORITY 1)\n", "configure",
     "moat_domain(a): PROGRAM is missing"),
    ("program_not_a_target", "moat_domain(NAME a PROGRAM nothing PRIORITY 1)\n", "configure",
     "moat_domain(a): PROGRAM 'nothing' is not a program target"),
    ("bad_name", "moat_domain(NAME 9lives PROGRAM app PRIORITY 1)\n", "configure",
     "moat_domain(9lives): the name must be an identifier"),
    ("bad_size", "moat_domain(NAME a PROGRAM app PRIORITY 1 STACK 4G)\n", "configure",
     "moat_domain(a): size '4G' is not a number of bytes"),
    ("driver_without_device", "moat_driver_domain(NAME d PROGRAM app PRIORITY 1)\n",
     "configure", "moat_driver_domain(d): DEVICE is missing"),
    ("dma_on_a_domain", "moat_domain(NAME a PROGRAM app PRIORITY 1 DMA 2M)\n", "configure",
     "moat_domain(a): only moat_driver_domain takes a DEVICE or DMA"),
    ("dma_unaligned_in_build",
     "moat_driver_domain(NAME d DEVICE pl031@9010000 PROGRAM app PRIORITY 1 DMA 1M)\n", "build",
     "driver 'd': dma 1048576 is not a non-zero multiple of 2 MiB"),
    ("empty_channel", "moat_domain(NAME a PROGRAM app PRIORITY 1)\n"
     "moat_domain(NAME b PROGRAM app PRIORITY 1)\nmoat_channel(a b)\n", "configure",
     "moat_channel(a b): a channel needs SHARED_MEMORY, NOTIFY or both"),
    ("unknown_platform", "moat_domain(NAME a PROGRAM app PRIORITY 1)\n", "configure",
     "unknown PLATFORM 'raspberry'"),
    ("priority_in_build", "moat_domain(NAME a PROGRAM app PRIORITY 300)\n", "build",
     "domain 'a': priority 300 is outside 0-255"),
    ("device_twice_in_build",
     "moat_driver_domain(NAME d1 DEVICE pl031@9010000 PROGRAM app PRIORITY 1)\n"
     "moat_driver_domain(NAME d2 DEVICE pl031@9010000 PROGRAM app PRIORITY 1)\n", "build",
     "driver 'd2': device 'pl031@9010000' is already given to driver 'd1'"),
    ("guest_vmm_not_a_target", GUEST.replace("VMM app", "VMM nothing").format(""), "configure",
     "moat_guest(g): VMM 'nothing' is not a program target"),
    ("guest_default_vmm_missing", GUEST.replace(" VMM app", "").format(""), "configure",
     "moat_guest(g): VMM 'vmm' is not a program target"),
    ("guest_priority_not_a_number", GUEST.format("PRIORITY high"), "configure",
     "moat_guest(g): PRIORITY 'high' is not a number"),
    ("guest_budget_not_a_number", GUEST.format("BUDGET_US 1ms PERIOD_US 10000"), "configure",
     "moat_guest(g): BUDGET_US '1ms' is not a number"),
    ("guest_vmm_named_like_a_domain", "moat_program(vmm SOURCES app.c)\n"
     "moat_domain(NAME vmm PROGRAM app PRIORITY 1)\n" + GUEST.replace(" VMM app", "").format(""),
     "configure", "'vmm' in the image would be two programs"),
    ("guest_options_in_build", "moat_domain(NAME a PROGRAM app PRIORITY 1)\n" +
     GUEST.replace("NAME g", "NAME p").format("PRIORITY 255") +
     GUEST.replace("NAME g", "NAME v").format("VCPUS 9") +
     GUEST.replace("NAME g", "NAME m").replace("2M", "3M").format("") +
     GUEST.replace("NAME g", "NAME b").format("BUDGET_US 1000") +
     GUEST.replace("NAME g", "NAME a_guest_name_of_25_chars_").format(""), "build",
     ["guest 'p': priority 255 is outside 0-254",
      "guest 'v': vcpus 9: at most 8",
      "guest 'm': memory 3145728 is not a multiple of 2 MiB",
      "guest 'b': budget_us without period_us",
      "guest 'a_guest_name_of_25_chars_': the name has 25 characters, at most 24"]),
    ("vdisk_without_sectors", "moat_domain(NAME a PROGRAM app PRIORITY 1)\n" + GUEST.format("") +
     "moat_vdisk(GUEST g SERVER a FIRST 0)\n", "configure", "moat_vdisk(g): SECTORS is missing"),
    ("vdisk_first_not_a_number", "moat_domain(NAME a PROGRAM app PRIORITY 1)\n" +
     GUEST.format("") + "moat_vdisk(GUEST g SERVER a FIRST 1M SECTORS 8)\n", "configure",
     "moat_vdisk(g): FIRST '1M' is not a number"),
    ("vdisk_in_build", "moat_domain(NAME a PROGRAM app PRIORITY 1)\n" + GUEST.format("") +
     "moat_vdisk(GUEST g SERVER a FIRST 0 SECTORS 0 READ_ONLY)\n", "build",
     ["vdisk 'g': sectors is 0",
      "vdisk 'g': no channel between server 'a' and guest 'g' (the disk is served over it)"]),
    ("vnic_without_server", "moat_domain(NAME a PROGRAM app PRIORITY 1)\n" + GUEST.format("") +
     "moat_vnic(GUEST g MAC 02:00:00:00:00:01)\n", "configure", "moat_vnic(g): SERVER is missing"),
    ("vnic_mac_malformed", "moat_domain(NAME a PROGRAM app PRIORITY 1)\n" + GUEST.format("") +
     "moat_vnic(GUEST g SERVER a MAC 02:00:00:00:01)\n", "configure",
     "moat_vnic(g): MAC '02:00:00:00:01' is not six hex bytes separated by ':' "
     "(aa:bb:cc:dd:ee:ff)"),
    ("vnic_in_build", "moat_domain(NAME a PROGRAM app PRIORITY 1)\n" + GUEST.format("NET") +
     "moat_channel(a g SHARED_MEMORY 64K)\n" +
     "moat_vnic(GUEST g SERVER a MAC 33:33:00:00:00:01)\n", "build",
     ["vnic 'g': mac 33:33:00:00:00:01 is a multicast address (the low bit of its first byte "
      "is set); a guest's MAC is unicast",
      "vnic 'g': channel 'a' 'g' (", "has shared_memory 65536; the frame rings need at least 98304",
      "has no notify; the frame rings need it"]),
]


def run_case(moat, sysgen, work, name, decls, stage, fragment):
    src, build = os.path.join(work, name), os.path.join(work, name + "-build")
    os.mkdir(src)
    platform = "raspberry" if name == "unknown_platform" else "qemu-virt"
    with open(os.path.join(src, "CMakeLists.txt"), "w") as f:
        f.write(HEAD.format(moat=moat) + decls +
                f"moat_system(NAME bad PLATFORM {platform})\n")
    with open(os.path.join(src, "app.c"), "w") as f:
        f.write(APP)
    conf = subprocess.run(["cmake", "-S", src, "-B", build, "-G", "Ninja",
                           f"-DMOAT_SYSGEN={sysgen}"], capture_output=True, text=True)
    out = conf.stdout + conf.stderr
    if stage == "build":
        if conf.returncode != 0:
            return f"configure failed, the build was to fail:\n{out[-2000:]}"
        b = subprocess.run(["cmake", "--build", build], capture_output=True, text=True)
        out, rc = b.stdout + b.stderr, b.returncode
    else:
        rc = conf.returncode
    if rc == 0:
        return f"{stage} succeeded"
    for f in fragment if isinstance(fragment, list) else [fragment]:
        if f not in " ".join(out.split()):
            return f"{stage} failed without '{f}':\n{out[-2000:]}"
    return None


def main():
    moat, sysgen = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    work = tempfile.mkdtemp(prefix="moat-api-")
    failed = 0
    try:
        for case in CASES:
            err = run_case(moat, sysgen, work, *case)
            print(f"{'FAIL' if err else 'ok  '} {case[0]}" + (f": {err}" if err else ""))
            failed += err is not None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{len(CASES) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

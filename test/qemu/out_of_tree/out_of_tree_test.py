#!/usr/bin/env python3
"""An out-of-tree system: a project in a fresh directory outside Moat's
tree, written by this test, built with cmake/Moat.cmake (which also builds
the validator), and booted under QEMU.

usage: out_of_tree_test.py MOAT_SOURCE_DIR
"""
import os
import shutil
import subprocess
import sys
import tempfile

CMAKELISTS = """cmake_minimum_required(VERSION 3.25)
include({moat}/cmake/Moat.cmake)
project(greenhouse C ASM)
moat_sdk()
moat_program(sensor SOURCES sensor.c)
moat_program(logger SOURCES logger.c)
moat_domain(NAME sensor PROGRAM sensor PRIORITY 120 BUDGET_US 1000 PERIOD_US 10000)
moat_domain(NAME logger PROGRAM logger PRIORITY 100 HEAP 8K)
moat_channel(sensor logger SHARED_MEMORY 4K NOTIFY)
moat_system(NAME greenhouse PLATFORM qemu-virt)
"""

SENSOR = r"""#include <moat/domain.h>
#include <moat/runtime.h>
int main(void *arg)
{
	const struct moat_domain_info *info = arg;
	volatile uint64_t *shared = (volatile uint64_t *)(uintptr_t)info->channel[0].shared;

	moat_printf("sensor: sending a reading to '%s'\n", info->channel[0].peer);
	shared[0] = 2342;
	moat_signal(info->channel[0].signal_slot);
	for (;;)
		moat_wait(MOAT_DOMAIN_SLOT_INBOX);
}
"""

LOGGER = r"""#include <moat/domain.h>
#include <moat/runtime.h>
int main(void *arg)
{
	const struct moat_domain_info *info = arg;
	const volatile uint64_t *shared = (const volatile uint64_t *)(uintptr_t)info->channel[0].shared;
	volatile uint64_t *heap = (volatile uint64_t *)(uintptr_t)MOAT_DOMAIN_HEAP;

	heap[1023] = 7; /* the heap is there, and writable */
	moat_wait(MOAT_DOMAIN_SLOT_INBOX);
	moat_printf("logger: %lu from '%s', heap %lu bytes\n", shared[0], info->channel[0].peer,
		    info->heap_size);
	for (;;)
		moat_wait(MOAT_DOMAIN_SLOT_INBOX);
}
"""


def main():
    moat = os.path.abspath(sys.argv[1])
    work = tempfile.mkdtemp(prefix="moat-oot-")
    try:
        src, build = os.path.join(work, "greenhouse"), os.path.join(work, "build")
        os.mkdir(src)
        for name, text in (("CMakeLists.txt", CMAKELISTS.format(moat=moat)),
                           ("sensor.c", SENSOR), ("logger.c", LOGGER)):
            with open(os.path.join(src, name), "w") as f:
                f.write(text)
        for cmd in (["cmake", "-S", src, "-B", build, "-G", "Ninja"],
                    ["cmake", "--build", build]):
            r = subprocess.run(cmd, capture_output=True, text=True)
            if r.returncode != 0:
                print(r.stdout[-4000:], r.stderr[-4000:])
                print(f"FAIL: {' '.join(cmd)} exited {r.returncode}")
                return 1
        image = os.path.join(build, "greenhouse.img")
        return subprocess.run([
            sys.executable, os.path.join(moat, "test/qemu/run_test.py"),
            "--qemu-args", os.path.join(build, "qemu-args.txt"), "--image", image,
            "--timeout", "60", "--expect-exit", "stop",
            "--expect", "root: system 'greenhouse': 2 domains, 1 channels",
            "--expect", "root: started 'sensor' in an address space of its own",
            "--expect", "root: started 'logger' in an address space of its own",
            "--expect", "sensor: sending a reading to 'logger'",
            "--expect", "logger: 2342 from 'sensor', heap 8192 bytes"]).returncode
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

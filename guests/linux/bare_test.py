#!/usr/bin/env python3
"""Boot the Linux guest on bare QEMU (no Moat) through test/qemu/run_test.py.

The machine flags are the reference platform's, read from the target
build's qemu-args.txt; when the target has not been built, the same flags
are written here. The guest's Image and initramfs come from --guest;
--append is the kernel command line. Every other argument (--expect,
--expect-exit, --extra=...) goes to run_test.py unchanged.

usage: bare_test.py --qemu-args FILE --run-test RUN_TEST --guest DIR
                    --timeout S --append CMDLINE [run_test.py arguments]
"""
import argparse
import os
import subprocess
import sys
import tempfile

# BRIEF decision 1; the same list as the target build's qemu-args.txt.
REFERENCE_ARGS = ["-machine", "virt,virtualization=on,gic-version=3", "-cpu", "max",
                  "-smp", "1", "-m", "512M", "-nic", "none"]


def main():
    p = argparse.ArgumentParser(description=__doc__, allow_abbrev=False,
                                formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--qemu-args", required=True)
    p.add_argument("--run-test", required=True)
    p.add_argument("--guest", required=True)
    p.add_argument("--timeout", required=True)
    p.add_argument("--append", required=True)
    args, rest = p.parse_known_args()
    initrd = os.path.join(args.guest, "initramfs.cpio.gz")
    if not os.path.exists(initrd):
        print(f"FAIL: {initrd} does not exist (build moat-guest-linux first)")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        qemu_args = args.qemu_args
        if not os.path.exists(qemu_args):
            qemu_args = os.path.join(tmp, "qemu-args.txt")
            with open(qemu_args, "w") as f:
                f.write("".join(a + "\n" for a in REFERENCE_ARGS))
        cmd = [sys.executable, args.run_test, "--qemu-args", qemu_args,
               "--image", os.path.join(args.guest, "Image"), "--timeout", args.timeout,
               "--extra=-initrd", f"--extra={initrd}",
               "--extra=-append", f"--extra={args.append}", *rest]
        return subprocess.run(cmd).returncode


if __name__ == "__main__":
    sys.exit(main())

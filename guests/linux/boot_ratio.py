#!/usr/bin/env python3
"""linux_boot_ratio: wall time from QEMU's start to the Linux guest's init
marker, under Moat divided by the same kernel and initramfs on bare QEMU
with the same machine flags. The two boot side by side in one run,
alternating, several times each; the medians are compared.

usage: boot_ratio.py --qemu-args FILE --guest DIR --moat-image IMG
                     --append CMDLINE [--runs N] [--timeout S]
"""
import argparse
import os
import selectors
import statistics
import subprocess
import sys
import time

MARKER = b"moat-guest: init reached"


def time_to_marker(cmd, timeout):
    """Seconds from starting QEMU until MARKER is printed (QEMU is then killed)."""
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    out = bytearray()
    try:
        while time.monotonic() - t0 < timeout:
            if not sel.select(timeout=0.2):
                if proc.poll() is not None:
                    break
                continue
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                break
            out += chunk
            if MARKER in out:
                return time.monotonic() - t0, out
        return None, out
    finally:
        proc.kill()
        proc.wait()


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--qemu-args", required=True)
    p.add_argument("--guest", required=True)
    p.add_argument("--moat-image", required=True)
    p.add_argument("--append", required=True)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--timeout", type=float, default=180)
    args = p.parse_args()
    with open(args.qemu_args) as f:
        machine = [line.strip() for line in f if line.strip()]
    base = ["qemu-system-aarch64", *machine, "-display", "none", "-monitor", "none",
            "-serial", "stdio"]
    bare = [*base, "-kernel", os.path.join(args.guest, "Image"),
            "-initrd", os.path.join(args.guest, "initramfs.cpio.gz"), "-append", args.append]
    moat = [*base, "-kernel", args.moat_image]
    times = {"bare": [], "moat": []}
    for _ in range(args.runs):
        for name, cmd in (("bare", bare), ("moat", moat)):
            t, out = time_to_marker(cmd, args.timeout)
            if t is None:
                sys.stdout.write(out.decode("utf-8", "replace"))
                print(f"FAIL: {name} boot never printed {MARKER.decode()!r}")
                return 1
            times[name].append(t)
    b, m = statistics.median(times["bare"]), statistics.median(times["moat"])
    for name in ("bare", "moat"):
        print(f"{name}: " + " ".join(f"{t:.2f}" for t in times[name]) + " s to the init marker")
    print(f"BENCH linux_boot_ratio {m / b:.3f} x")
    print(f"BENCH linux_boot_bare {b:.2f} s")
    print(f"BENCH linux_boot_moat {m:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

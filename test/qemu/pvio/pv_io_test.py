#!/usr/bin/env python3
"""qemu.pv_blk: a raw disk of 16 MiB made here, the image run on it by
run_test.py (its arguments passed on, the disk added to QEMU's), then the
disk checked. QEMU's disk is throttled to 32 MiB/s.

Each sector of a guest's virtual disk starts with "moat-pv" and the
guest's letter (V: victim, at sectors 2048-10239; H: hostile, at
12288-20479), then its sector number within that disk; every other sector
holds "moat-pv-" and its physical number. guests/pv/io.c checks what it
reads against this. Afterwards the victim's last 128 sectors must hold
what it wrote ("moat-pvW" and the numbers 0-127) and every other sector
what was written here: the hostile guest's requests changed nothing.

usage: pv_io_test.py RUN_TEST_ARGS...
"""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from disk_run import run_with_disk  # noqa: E402

SECTORS = 32768
DISKS = {"V": (2048, 8192), "H": (12288, 8192)}
CHUNK = 128


def sector(s):
    """What the host writes at physical sector s."""
    for letter, (first, n) in DISKS.items():
        if first <= s < first + n:
            head = b"moat-pv" + letter.encode() + struct.pack("<Q", s - first)
            break
    else:
        head = b"moat-pv-" + struct.pack("<Q", s)
    return head + bytes((s + k) & 0xff for k in range(512 - len(head)))


def expected(s):
    first, n = DISKS["V"]
    if first + n - CHUNK <= s < first + n:
        # The victim's write: its first chunk as it read it, with its letter changed.
        k = s - (first + n - CHUNK)
        return b"moat-pvW" + sector(first + k)[8:]
    return sector(s)


def main():
    # Throttled to 32 MiB/s, as a real disk is slower than the CPU: the
    # victim waits for it, and the CPU is free meanwhile for the hostile
    # guest below it to attack.
    return run_with_disk(
        SECTORS, sector, expected,
        f"the victim's {CHUNK} written sectors hold its write, the other "
        f"{SECTORS - CHUNK} what the host wrote",
        drive_options=f",throttling.bps-total={32 << 20}")


if __name__ == "__main__":
    sys.exit(main())

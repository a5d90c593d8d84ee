#!/usr/bin/env python3
"""qemu.blk_direct: a raw disk made here, the image run on it by
run_test.py (its arguments passed on, the disk added to QEMU's), then the
disk checked: blk_direct.c's pattern where it wrote, the host's everywhere
else.

usage: blk_test.py RUN_TEST_ARGS...
"""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from disk_run import run_with_disk  # noqa: E402

SECTORS = 16384          # 8 MiB
HOST_SEED, OWN_SEED = 1, 2
WRITE_FIRST, WRITE_SECTORS = 4096, 1024
MASK = (1 << 64) - 1


def sector(seed, s):
    """Sector s in the pattern of seed: blk_direct.c's pattern()."""
    return struct.pack("<64Q", *((((s << 6 | k) + seed) * 0x9E3779B97F4A7C15) & MASK
                                 for k in range(64)))


def main():
    own = range(WRITE_FIRST, WRITE_FIRST + WRITE_SECTORS)
    return run_with_disk(
        SECTORS, lambda s: sector(HOST_SEED, s),
        lambda s: sector(OWN_SEED if s in own else HOST_SEED, s),
        f"sectors {WRITE_FIRST}-{WRITE_FIRST + WRITE_SECTORS - 1} hold the driver's "
        f"pattern, the other {SECTORS - WRITE_SECTORS} the host's")


if __name__ == "__main__":
    sys.exit(main())

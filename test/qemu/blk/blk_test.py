#!/usr/bin/env python3
"""qemu.blk_direct: a raw disk made here, the image run on it by
run_test.py (its arguments passed on, the disk added to QEMU's), then the
disk checked: blk_direct.c's pattern where it wrote, the host's everywhere
else.

usage: blk_test.py RUN_TEST_ARGS...
"""
import os
import struct
import subprocess
import sys
import tempfile

SECTORS = 16384          # 8 MiB
HOST_SEED, OWN_SEED = 1, 2
WRITE_FIRST, WRITE_SECTORS = 4096, 1024
MASK = (1 << 64) - 1


def sector(seed, s):
    """Sector s in the pattern of seed: blk_direct.c's pattern()."""
    return struct.pack("<64Q", *((((s << 6 | k) + seed) * 0x9E3779B97F4A7C15) & MASK
                                 for k in range(64)))


def main():
    run_test = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "run_test.py")
    with tempfile.TemporaryDirectory() as tmp:
        disk = os.path.join(tmp, "disk.img")
        with open(disk, "wb") as f:
            for s in range(SECTORS):
                f.write(sector(HOST_SEED, s))
        extra = ["-drive", f"if=none,file={disk},format=raw,id=disk0",
                 "-device", "virtio-blk-device,drive=disk0",
                 "-global", "virtio-mmio.force-legacy=false"]
        rc = subprocess.run([sys.executable, run_test] + sys.argv[1:] +
                            [f"--extra={a}" for a in extra]).returncode
        if rc:
            return rc
        wrong = []
        with open(disk, "rb") as f:
            for s in range(SECTORS):
                own = WRITE_FIRST <= s < WRITE_FIRST + WRITE_SECTORS
                if f.read(512) != sector(OWN_SEED if own else HOST_SEED, s):
                    wrong.append(s)
        if os.path.getsize(disk) != SECTORS * 512:
            print(f"FAIL the disk is now {os.path.getsize(disk)} bytes")
            return 1
        if wrong:
            print(f"FAIL {len(wrong)} sector(s) not as expected, the first {wrong[:8]}")
            return 1
        print(f"PASS the disk: sectors {WRITE_FIRST}-{WRITE_FIRST + WRITE_SECTORS - 1} "
              f"hold the driver's pattern, the other {SECTORS - WRITE_SECTORS} the host's")
    return 0


if __name__ == "__main__":
    sys.exit(main())

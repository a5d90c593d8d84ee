"""A raw disk for a QEMU test: written here, given to QEMU as its
virtio-blk-device, run by run_test.py (the calling script's arguments
passed on), then checked sector by sector. For the runners of the block
tests (blk/blk_test.py, pvio/pv_io_test.py)."""
import os
import subprocess
import sys
import tempfile


def run_with_disk(sectors, written, expected, passed, drive_options=""):
    """Writes `sectors` sectors, sector s being written(s), boots the image
    on them, then checks sector s is expected(s). Prints `passed` if so;
    returns the exit status."""
    run_test = os.path.join(os.path.dirname(os.path.abspath(__file__)), "run_test.py")
    with tempfile.TemporaryDirectory() as tmp:
        disk = os.path.join(tmp, "disk.img")
        with open(disk, "wb") as f:
            for s in range(sectors):
                f.write(written(s))
        extra = ["-drive", f"if=none,file={disk},format=raw,id=disk0{drive_options}",
                 "-device", "virtio-blk-device,drive=disk0",
                 "-global", "virtio-mmio.force-legacy=false"]
        rc = subprocess.run([sys.executable, run_test] + sys.argv[1:] +
                            [f"--extra={a}" for a in extra]).returncode
        if rc:
            return rc
        if os.path.getsize(disk) != sectors * 512:
            print(f"FAIL the disk is now {os.path.getsize(disk)} bytes")
            return 1
        with open(disk, "rb") as f:
            wrong = [s for s in range(sectors) if f.read(512) != expected(s)]
        if wrong:
            print(f"FAIL {len(wrong)} sector(s) not as expected, the first {wrong[:8]}")
            return 1
        print(f"PASS the disk: {passed}")
    return 0

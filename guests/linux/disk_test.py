#!/usr/bin/env python3
"""linux.moat_disk: Linux's virtual disk, carved from a raw disk made here.

An ext4 filesystem is made on the host (mkfs.ext4 -d) with files of known
sha256 and a MANIFEST of them, and written into the raw disk at the
virtual disk's first sector; the rest of the disk is filled with a
pattern. The image runs on it under run_test.py (its arguments passed
on). Afterwards: the filesystem is clean (e2fsck -fn), each file the guest
reported writing has the sha256 it reported (read back with debugfs), and
every sector outside the virtual disk still holds the pattern.

usage: disk_test.py --first SECTOR --sectors N RUN_TEST_ARGS...
"""
import argparse
import hashlib
import os
import re
import subprocess
import sys
import tempfile

SECTOR = 512
DISK_SECTORS = 131072  # 64 MiB


def pattern(s):
    """Sector s outside the virtual disk: its number, over and over."""
    return (b"moat-disk-sector-%08d|" % s) * 16 + b"\0" * (SECTOR - 16 * 24)


def host_files(root):
    """Files of known content in root, and MANIFEST (sha256sum's format) of them."""
    files = {
        "hello.txt": b"hello from the host\n",
        "random.bin": hashlib.sha256(b"seed").digest() * 40000,  # 1.2 MiB
        "nested/deep/leaf.txt": b"a file two directories down\n" * 100,
    }
    for name, data in files.items():
        path = os.path.join(root, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    with open(os.path.join(root, "MANIFEST"), "w") as f:
        for name, data in files.items():
            f.write(f"{hashlib.sha256(data).hexdigest()}  {name}\n")
    return files


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--first", type=int, required=True)
    ap.add_argument("--sectors", type=int, required=True)
    args, rest = ap.parse_known_args()
    run_test = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test",
                            "qemu", "run_test.py")
    first, count = args.first, args.sectors
    with tempfile.TemporaryDirectory() as tmp:
        src, fs, disk = (os.path.join(tmp, n) for n in ("src", "fs.img", "disk.img"))
        os.makedirs(src)
        files = host_files(src)
        run(["mkfs.ext4", "-q", "-F", "-b", "4096", "-d", src, fs, f"{count * SECTOR // 1024}k"])
        with open(disk, "wb") as d, open(fs, "rb") as f:
            for s in range(first):
                d.write(pattern(s))
            d.write(f.read())
            for s in range(first + count, DISK_SECTORS):
                d.write(pattern(s))
        extra = ["-drive", f"if=none,file={disk},format=raw,id=disk0",
                 "-device", "virtio-blk-device,drive=disk0",
                 "-global", "virtio-mmio.force-legacy=false"]
        proc = subprocess.run([sys.executable, run_test] + rest +
                              [f"--extra={a}" for a in extra],
                              stdout=subprocess.PIPE, text=True, errors="replace")
        sys.stdout.write(proc.stdout)
        if proc.returncode:
            return proc.returncode
        wrote = dict((name, sha) for sha, name in
                     re.findall(r"moat-guest: disk: wrote ([0-9a-f]{64})  (\S+)", proc.stdout))
        checked = re.findall(r"moat-guest: disk: check (\S+): OK", proc.stdout)
        if sorted(checked) != sorted(files):
            print(f"FAIL the guest checked {sorted(checked)}, not {sorted(files)}")
            return 1
        if len(wrote) != 3:
            print(f"FAIL the guest reported {len(wrote)} files written, not 3")
            return 1
        with open(disk, "rb") as d:
            whole = d.read()
        with open(fs, "wb") as f:
            f.write(whole[first * SECTOR:(first + count) * SECTOR])
        fsck = subprocess.run(["e2fsck", "-fn", fs], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
        if fsck.returncode:
            print(fsck.stdout)
            print(f"FAIL e2fsck -fn found the filesystem not clean (status {fsck.returncode})")
            return 1
        print("PASS e2fsck -fn: the filesystem is clean")
        for name, sha in sorted(wrote.items()):
            out = os.path.join(tmp, "out")
            run(["debugfs", "-R", f"dump /{name} {out}", fs], stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL)
            with open(out, "rb") as f:
                got = hashlib.sha256(f.read()).hexdigest()
            if got != sha:
                print(f"FAIL {name}: sha256 {got} on the disk, the guest reported {sha}")
                return 1
            print(f"PASS {name}: sha256 {sha}, as the guest reported")
        bad = [s for s in list(range(first)) + list(range(first + count, DISK_SECTORS))
               if whole[s * SECTOR:(s + 1) * SECTOR] != pattern(s)]
        if bad:
            print(f"FAIL {len(bad)} sector(s) outside the virtual disk changed, the first {bad[:8]}")
            return 1
        print(f"PASS the {DISK_SECTORS - count} sectors outside the virtual disk are untouched")
    return 0


if __name__ == "__main__":
    sys.exit(main())

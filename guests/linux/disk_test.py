#!/usr/bin/env python3
"""Linux guests' virtual disks, carved from one raw disk made here.

linux.moat_disk (--ext4 FIRST SECTORS): an ext4 filesystem is made on the
host (mkfs.ext4 -d) with files of known sha256 and a MANIFEST of them, and
written into the raw disk at the virtual disk's first sector. Afterwards
the filesystem is clean (e2fsck -fn) and each file the guest reported
writing has the sha256 it reported (read back with debugfs).

linux.moat_disk_isolation (--fill NAME FIRST SECTORS, once per guest):
each virtual disk starts with "vdisk-of-NAME"; each guest fills its whole
disk with "written-by-NAME" lines. Afterwards each disk holds exactly its
own guest's lines, and each guest read its own marker.

Either way every sector outside the virtual disks holds the pattern it
was given. The image runs under run_test.py (the other arguments are
passed on), with the disk as QEMU's virtio-blk-device.
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
CHUNK = 65536  # the guest's writes in --fill


def pattern(s):
    """Sector s outside the virtual disk: its number, over and over."""
    return ((b"moat-disk-sector-%08d|" % s) * 20)[:SECTOR]


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


def make_disk(path, vdisks):
    """The raw disk: each virtual disk's (first, contents), the pattern elsewhere."""
    at = dict((first, data) for first, data in vdisks)
    with open(path, "wb") as d:
        s = 0
        while s < DISK_SECTORS:
            if s in at:
                d.write(at[s])
                s += len(at[s]) // SECTOR
            else:
                d.write(pattern(s))
                s += 1


def run_guests(disk, rest):
    """run_test.py on the disk: its output (echoed), or None if it failed."""
    run_test = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test",
                            "qemu", "run_test.py")
    extra = ["-drive", f"if=none,file={disk},format=raw,id=disk0",
             "-device", "virtio-blk-device,drive=disk0",
             "-global", "virtio-mmio.force-legacy=false"]
    proc = subprocess.run([sys.executable, run_test] + rest + [f"--extra={a}" for a in extra],
                          stdout=subprocess.PIPE, text=True, errors="replace")
    sys.stdout.write(proc.stdout)
    return proc.stdout if proc.returncode == 0 else None


def untouched(whole, ranges):
    """Whether every sector outside the (first, count) ranges holds its pattern."""
    inside = set()
    for first, count in ranges:
        inside.update(range(first, first + count))
    bad = [s for s in range(DISK_SECTORS)
           if s not in inside and whole[s * SECTOR:(s + 1) * SECTOR] != pattern(s)]
    if bad:
        print(f"FAIL {len(bad)} sector(s) outside the virtual disks changed, the first {bad[:8]}")
        return False
    print(f"PASS the {DISK_SECTORS - len(inside)} sectors outside the virtual disks are untouched")
    return True


def isolation(tmp, fills, rest):
    disk = os.path.join(tmp, "disk.img")
    marks = [(first, (b"vdisk-of-" + name.encode()).ljust(count * SECTOR, b"\0"))
             for name, first, count in fills]
    make_disk(disk, marks)
    out = run_guests(disk, rest)
    if out is None:
        return 1
    with open(disk, "rb") as d:
        whole = d.read()
    for name, first, count in fills:
        line = b"written-by-" + name.encode() + b"\n"
        chunk = (line * (CHUNK // len(line) + 1))[:CHUNK]  # each of its 64 KiB writes
        want = (chunk * (count * SECTOR // CHUNK + 1))[:count * SECTOR]
        if f"diskfill: {name}: {count} sectors, first sector: vdisk-of-{name}" not in out:
            print(f"FAIL {name} did not see its own disk's marker and size")
            return 1
        got = whole[first * SECTOR:(first + count) * SECTOR]
        if got != want:
            wrong = next(i for i in range(count) if got[i * SECTOR:(i + 1) * SECTOR] !=
                         want[i * SECTOR:(i + 1) * SECTOR])
            print(f"FAIL {name}'s disk is not all its own from its sector {wrong}: "
                  f"{got[wrong * SECTOR:wrong * SECTOR + 40]!r}")
            return 1
        print(f"PASS {name}'s {count} sectors at {first} hold its own lines and nothing else")
    return 0 if untouched(whole, [(f, c) for _, f, c in fills]) else 1


def ext4(tmp, first, count, rest):
    src, fs, disk = (os.path.join(tmp, n) for n in ("src", "fs.img", "disk.img"))
    os.makedirs(src)
    files = host_files(src)
    run(["mkfs.ext4", "-q", "-F", "-b", "4096", "-d", src, fs, f"{count * SECTOR // 1024}k"],
        stdout=subprocess.DEVNULL)
    with open(fs, "rb") as f:
        make_disk(disk, [(first, f.read())])
    out = run_guests(disk, rest)
    if out is None:
        return 1
    wrote = dict((name, sha) for sha, name in
                 re.findall(r"moat-guest: disk: wrote ([0-9a-f]{64})  (\S+)", out))
    checked = re.findall(r"moat-guest: disk: check (\S+): OK", out)
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
        dump = os.path.join(tmp, "dump")
        run(["debugfs", "-R", f"dump /{name} {dump}", fs], stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        with open(dump, "rb") as f:
            got = hashlib.sha256(f.read()).hexdigest()
        if got != sha:
            print(f"FAIL {name}: sha256 {got} on the disk, the guest reported {sha}")
            return 1
        print(f"PASS {name}: sha256 {sha}, as the guest reported")
    return 0 if untouched(whole, [(first, count)]) else 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ext4", nargs=2, type=int, metavar=("FIRST", "SECTORS"))
    ap.add_argument("--fill", nargs=3, action="append", metavar=("NAME", "FIRST", "SECTORS"))
    args, rest = ap.parse_known_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.ext4:
            return ext4(tmp, args.ext4[0], args.ext4[1], rest)
        if args.fill:
            return isolation(tmp, [(n, int(f), int(c)) for n, f, c in args.fill], rest)
    ap.error("--ext4 or --fill")
    return 2


if __name__ == "__main__":
    sys.exit(main())

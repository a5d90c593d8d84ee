#!/usr/bin/env python3
"""Fetch Debian's arm64 Linux kernel and busybox, and build the guest.

Writes into OUT:
  Image               the kernel, uncompressed arm64 Image (QEMU -kernel, booti)
  initramfs.cpio.gz   busybox, init (init.sh) and the virtio modules
  kernel-version      the kernel release, e.g. 6.1.0-57-arm64

The .deb files are downloaded with `apt-get download` into CACHE/debs and
unpacked once; only the files the guest uses are kept (CACHE/picked), and a
second run downloads and unpacks nothing. The kernel package is the one the
`linux-image-arm64` metapackage depends on now; when the package lists cannot
be read or refreshed, the newest kernel already in CACHE is used.
Outputs are rewritten only when their content changes, so a run that changes
nothing leaves every timestamp alone.

usage: fetch.py --out OUT [--cache CACHE]
"""
import argparse
import gzip
import hashlib
import io
import lzma
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ARCH = "arm64"
KERNEL_META = "linux-image-arm64"
KERNEL_RE = re.compile(r"^linux-image-(6\.1\.0-\d+-arm64)$")
BUSYBOX = "busybox-static"
# The modules the guest loads; their dependencies are found in the modules.
MODULES = ["virtio_mmio", "virtio_blk", "virtio_net", "virtio_console", "ext4", "crc32c_generic"]
HERE = os.path.dirname(os.path.abspath(__file__))


def log(msg):
    print(f"guests/linux: {msg}", flush=True)


def die(msg):
    print(f"guests/linux: error: {msg}", file=sys.stderr)
    sys.exit(1)


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def as_root(cmd):
    """Runs a command that changes the host's package setup."""
    if os.geteuid() != 0:
        if not shutil.which("sudo"):
            die(f"need root (or sudo) for: {' '.join(cmd)}")
        cmd = ["sudo", "-n", *cmd]
    run(cmd)


def ensure_foreign_arch():
    out = subprocess.run(["dpkg", "--print-foreign-architectures"], capture_output=True,
                         text=True, check=True).stdout.split()
    if ARCH in out:
        return False
    log(f"dpkg --add-architecture {ARCH}")
    as_root(["dpkg", "--add-architecture", ARCH])
    return True


def apt_update():
    log("apt-get update")
    as_root(["apt-get", "update", "-qq"])


def resolve():
    """[(package, version)] for the kernel and busybox, from the package lists.

    One apt-cache call (each costs about a second): the metapackage names
    the kernel package with an exact version.
    """
    r = subprocess.run(["apt-cache", "show", "--no-all-versions", f"{KERNEL_META}:{ARCH}",
                        f"{BUSYBOX}:{ARCH}"], capture_output=True, text=True)
    if r.returncode != 0:
        return None
    fields = {}
    for para in r.stdout.split("\n\n"):
        f = dict(re.findall(r"^([A-Za-z-]+): *(.*)$", para, re.M))
        if f.get("Architecture") == ARCH:
            fields[f.get("Package")] = f
    meta, busybox = fields.get(KERNEL_META), fields.get(BUSYBOX)
    if not meta or not busybox:
        return None
    for dep in meta.get("Depends", "").split(","):
        m = re.match(r"^\s*(\S+) \(= (\S+)\)\s*$", dep)
        if m and KERNEL_RE.match(m.group(1)):
            return [(m.group(1), m.group(2)), (BUSYBOX, busybox["Version"])]
    return None


def deb_name(pkg, version):
    # apt-get download's file name: the epoch's colon is written %3a.
    return f"{pkg}_{version.replace(':', '%3a')}_{ARCH}.deb"


def cached_fallback(debs):
    """The newest kernel and busybox .deb already in the cache, or None."""
    names = sorted(os.listdir(debs)) if os.path.isdir(debs) else []

    def newest(prefix):
        found = [n for n in names if n.startswith(prefix) and n.endswith(f"_{ARCH}.deb")]
        found.sort(key=lambda n: os.path.getmtime(os.path.join(debs, n)))
        return found[-1] if found else None

    kernel, busybox = newest("linux-image-6.1.0-"), newest(f"{BUSYBOX}_")
    return [kernel, busybox] if kernel and busybox else None


def fetch(cache):
    """Downloads what is missing; returns the two .deb paths (kernel, busybox)."""
    debs = os.path.join(cache, "debs")
    os.makedirs(debs, exist_ok=True)
    added = ensure_foreign_arch()
    wanted = None if added else resolve()
    if wanted is None:
        try:
            apt_update()
            wanted = resolve()
        except subprocess.CalledProcessError:
            wanted = None
    if wanted is None:
        names = cached_fallback(debs)
        if not names:
            die(f"apt knows no {KERNEL_META}:{ARCH} / {BUSYBOX}:{ARCH} and the cache is empty")
        log(f"package lists unusable; using cached {', '.join(names)}")
        return [os.path.join(debs, n) for n in names]
    paths = []
    for pkg, version in wanted:
        path = os.path.join(debs, deb_name(pkg, version))
        if not os.path.exists(path):
            log(f"apt-get download {pkg}:{ARCH}={version}")
            t0 = time.monotonic()
            # Download beside the cache and move in only when complete.
            with tempfile.TemporaryDirectory(dir=debs) as tmp:
                os.chmod(tmp, 0o777)  # apt fetches as user _apt
                run(["apt-get", "download", "-qq", f"{pkg}:{ARCH}={version}"], cwd=tmp)
                got = os.path.join(tmp, deb_name(pkg, version))
                if not os.path.exists(got):
                    die(f"apt-get download left no {os.path.basename(path)}")
                os.replace(got, path)
            log(f"  {os.path.getsize(path) >> 20} MiB in {time.monotonic() - t0:.1f} s")
        paths.append(path)
    return paths


def unpack_once(deb, dest, key, pick):
    """Runs pick(unpacked_root, dest) on the unpacked deb, unless dest already
    holds what it picked with the same key. Only the picked files are kept:
    the whole kernel package unpacks to about 350 MiB."""
    stamp = os.path.join(dest, ".done")
    if os.path.exists(stamp):
        with open(stamp) as f:
            if f.read() == key:
                return
    log(f"dpkg-deb -x {os.path.basename(deb)}")
    shutil.rmtree(dest, ignore_errors=True)
    with tempfile.TemporaryDirectory(dir=os.path.dirname(dest)) as tmp:
        root, picked = os.path.join(tmp, "root"), os.path.join(tmp, "picked")
        os.makedirs(picked)
        run(["dpkg-deb", "-x", deb, root])
        pick(root, picked)
        with open(os.path.join(picked, ".done"), "w") as f:
            f.write(key)
        os.replace(picked, dest)


def pick_kernel(root, dest):
    """Image, kernel-version, and modules/ with the guest's modules in load order."""
    release, image = kernel_image(root)
    with open(os.path.join(dest, "Image"), "wb") as f:
        f.write(image)
    with open(os.path.join(dest, "kernel-version"), "w") as f:
        f.write(release + "\n")
    os.makedirs(os.path.join(dest, "modules"))
    order = module_order(os.path.join(root, "lib", "modules", release))
    for name, data in order:
        with open(os.path.join(dest, "modules", name + ".ko"), "wb") as f:
            f.write(data)
    with open(os.path.join(dest, "modules", "order"), "w") as f:
        f.write("".join(name + "\n" for name, _ in order))


def pick_busybox(root, dest):
    shutil.copy(os.path.join(root, "bin", "busybox"), dest)


def read_plain(path):
    """A file's content, decompressed if its name says it is compressed."""
    with open(path, "rb") as f:
        data = f.read()
    if path.endswith(".xz"):
        return lzma.decompress(data)
    if path.endswith(".gz"):
        return gzip.decompress(data)
    if path.endswith(".zst"):
        return run(["zstd", "-dc", path], capture_output=True).stdout
    return data


def kernel_image(root):
    """(release, uncompressed Image bytes) from the kernel package."""
    boot = os.path.join(root, "boot")
    names = [n for n in os.listdir(boot) if n.startswith("vmlinuz-")]
    if len(names) != 1:
        die(f"expected one vmlinuz-* in {boot}, found {names}")
    release = names[0][len("vmlinuz-"):]
    with open(os.path.join(boot, names[0]), "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    # arm64 Image header: "ARM\x64" at offset 56.
    if data[56:60] != b"ARM\x64":
        die(f"{names[0]} is not an arm64 Image")
    return release, data


def modinfo(data):
    """The key=value strings of a module's .modinfo ELF section."""
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        die("a module is not a 64-bit little-endian ELF file")
    shoff = int.from_bytes(data[0x28:0x30], "little")
    shentsize = int.from_bytes(data[0x3a:0x3c], "little")
    shnum = int.from_bytes(data[0x3c:0x3e], "little")
    shstrndx = int.from_bytes(data[0x3e:0x40], "little")

    def section(i):
        h = data[shoff + i * shentsize:shoff + (i + 1) * shentsize]
        name = int.from_bytes(h[0:4], "little")
        off, size = int.from_bytes(h[24:32], "little"), int.from_bytes(h[32:40], "little")
        return name, data[off:off + size]

    strtab = section(shstrndx)[1]
    for i in range(shnum):
        name, body = section(i)
        if strtab[name:strtab.index(b"\0", name)] == b".modinfo":
            return [s.decode() for s in body.split(b"\0") if b"=" in s]
    return []


def module_name(path):
    base = re.sub(r"\.ko(\.(xz|gz|zst))?$", "", os.path.basename(path))
    return base.replace("-", "_")


def module_order(moddir):
    """[(name, contents)] for MODULES and what they depend on, dependencies first.

    The package has no modules.dep (depmod writes it at install time), so the
    dependencies are read from each module's own "depends=" entry. Modules
    listed in modules.builtin are part of the kernel and need no loading.
    """
    paths = {}
    with open(os.path.join(moddir, "modules.order")) as f:
        for line in f:
            rel = line.strip()
            for suffix in ["", ".xz", ".gz", ".zst"]:
                if os.path.exists(os.path.join(moddir, rel + suffix)):
                    paths[module_name(rel)] = os.path.join(moddir, rel + suffix)
    with open(os.path.join(moddir, "modules.builtin")) as f:
        builtin = {module_name(line.strip()) for line in f}
    order = []

    def visit(name, chain):
        if name in builtin or any(n == name for n, _ in order):
            return
        if name in chain:
            die(f"module dependency cycle through {name}")
        if name not in paths:
            die(f"module {name} is neither in the package nor built in")
        data = read_plain(paths[name])
        for kv in modinfo(data):
            key, _, value = kv.partition("=")
            if key == "depends":
                for dep in filter(None, value.split(",")):
                    visit(dep.replace("-", "_"), chain + [name])
        order.append((name, data))

    for want in MODULES:
        visit(want, [])
    return order


def stage(staging, kernel, busybox):
    """Lays out the initramfs tree in staging from the picked package files."""
    for d in ["bin", "sbin", "usr/bin", "usr/sbin", "dev", "proc", "sys", "etc", "lib/modules",
              "tmp", "root"]:
        os.makedirs(os.path.join(staging, d), exist_ok=True)
    shutil.copy(os.path.join(busybox, "busybox"), os.path.join(staging, "bin"))
    os.chmod(os.path.join(staging, "bin", "busybox"), 0o755)
    os.symlink("busybox", os.path.join(staging, "bin", "sh"))
    shutil.copy(os.path.join(HERE, "init.sh"), os.path.join(staging, "init"))
    os.chmod(os.path.join(staging, "init"), 0o755)
    with open(os.path.join(kernel, "modules", "order")) as f:
        names = f.read().split()
    for name in names:
        shutil.copy(os.path.join(kernel, "modules", name + ".ko"),
                    os.path.join(staging, "lib", "modules"))
    # init loads the modules in this order, one name per line.
    shutil.copy(os.path.join(kernel, "modules", "order"),
                os.path.join(staging, "etc", "moat-modules"))
    return names


def cpio_gz(staging):
    """A reproducible newc archive of staging, gzip-compressed, as bytes."""
    entries = []
    for dirpath, dirnames, filenames in os.walk(staging):
        dirnames.sort()
        for n in sorted(dirnames + filenames):
            p = os.path.join(dirpath, n)
            entries.append(os.path.relpath(p, staging))
            os.utime(p, (0, 0), follow_symlinks=False)
    entries.sort()
    archive = run(["cpio", "-o", "-H", "newc", "--quiet", "--reproducible", "-R", "0:0"],
                  cwd=staging, input="".join(e + "\n" for e in entries).encode(),
                  capture_output=True).stdout
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", compresslevel=9, mtime=0) as g:
        g.write(archive)
    return buf.getvalue()


def write_if_changed(path, data):
    if os.path.exists(path):
        with open(path, "rb") as f:
            if f.read() == data:
                return False
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)
    return True


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--out", required=True)
    p.add_argument("--cache", help="where .deb files are kept (default: OUT/cache)")
    args = p.parse_args()
    out = os.path.abspath(args.out)
    cache = os.path.abspath(args.cache or os.path.join(out, "cache"))
    os.makedirs(out, exist_ok=True)

    kernel_deb, busybox_deb = fetch(cache)
    picked = os.path.join(cache, "picked")
    os.makedirs(picked, exist_ok=True)
    kernel = os.path.join(picked, os.path.basename(kernel_deb)[:-len(".deb")])
    busybox = os.path.join(picked, os.path.basename(busybox_deb)[:-len(".deb")])
    # What is picked depends on this script: a change to it picks again.
    with open(os.path.abspath(__file__), "rb") as f:
        key = hashlib.sha256(f.read()).hexdigest()
    unpack_once(kernel_deb, kernel, key, pick_kernel)
    unpack_once(busybox_deb, busybox, key, pick_busybox)
    with tempfile.TemporaryDirectory(dir=out) as staging:
        names = stage(staging, kernel, busybox)
        initramfs = cpio_gz(staging)

    outputs = [("initramfs.cpio.gz", initramfs)]
    for name in ["Image", "kernel-version"]:
        with open(os.path.join(kernel, name), "rb") as f:
            outputs.append((name, f.read()))
    changed = [name for name, data in outputs
               if write_if_changed(os.path.join(out, name), data)]
    with open(os.path.join(kernel, "kernel-version")) as f:
        release = f.read().strip()
    log(f"kernel {release}, modules {' '.join(names)}; "
        + (f"wrote {', '.join(changed)}" if changed else "up to date"))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Pack domain programs and guests' files into the archive the root server reads.

usage: pack_programs.py OUT [NAME=FILE ...]
       pack_programs.py --add ARCHIVE [NAME=FILE ...]
The first form writes a new archive; the second rewrites an existing one
with more entries after its own (moat_kernel_image packs the programs,
moat_system then adds the guests' kernels and initrds). Layout
(kernel/include/moat/bootinfo.h, struct moat_programs): magic, count, one
48-byte entry per file (name, offset, size), then each file at a 16-byte
aligned offset. Files are copied in chunks: a guest kernel may be tens of
MiB.
"""
import os
import struct
import sys

MAGIC = 0x31475250544F4F4D
NAME_MAX = 32
HEADER, ENTRY = 16, 48
CHUNK = 1 << 20


def fail(msg):
    sys.exit(f"pack_programs: {msg}")


def read_archive(path):
    """The entries of an archive: (name, path, offset, size)."""
    with open(path, "rb") as f:
        magic, count = struct.unpack("<QQ", f.read(HEADER))
        if magic != MAGIC:
            fail(f"{path} is not a program archive")
        entries = []
        for _ in range(count):
            name, offset, size = struct.unpack("<32sQQ", f.read(ENTRY))
            entries.append((name.rstrip(b"\0").decode(), path, offset, size))
    return entries


def file_entries(pairs):
    entries = []
    for p in pairs:
        name, _, path = p.partition("=")
        if not name or len(name) >= NAME_MAX:
            fail(f"bad program name {name!r} (1-{NAME_MAX - 1} characters)")
        entries.append((name, path, 0, os.path.getsize(path)))
    return entries


def write_archive(out, entries):
    names = [e[0] for e in entries]
    for n in names:
        if names.count(n) > 1:
            fail(f"program {n!r} given twice")
    offsets, offset = [], HEADER + ENTRY * len(entries)
    for _, _, _, size in entries:
        offset = (offset + 15) & ~15
        offsets.append(offset)
        offset += size
    tmp = out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<QQ", MAGIC, len(entries)))
        for (name, _, _, size), off in zip(entries, offsets):
            f.write(struct.pack("<32sQQ", name.encode(), off, size))
        for (_, path, start, size), off in zip(entries, offsets):
            f.write(b"\0" * (off - f.tell()))
            with open(path, "rb") as src:
                src.seek(start)
                copy(src, f, size, path)
    os.replace(tmp, out)


def copy(src, dst, size, path):
    while size:
        block = src.read(min(size, CHUNK))
        if not block:
            fail(f"{path} is shorter than expected")
        dst.write(block)
        size -= len(block)


def main():
    args = sys.argv[1:]
    if args and args[0] == "--add":
        if len(args) < 2:
            fail("--add needs the archive")
        out, entries = args[1], read_archive(args[1])
        args = args[2:]
    elif args:
        out, entries = args[0], []
        args = args[1:]
    else:
        fail("usage: pack_programs.py OUT [NAME=FILE ...]")
    write_archive(out, entries + file_entries(args))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Pack domain programs and guests' files into the archive the root server reads.

usage: pack_programs.py OUT [NAME=FILE ...]
moat_kernel_image packs the programs and the files (the guests' kernels
and initrds) given to it. Layout
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


def file_entries(pairs):
    entries = []
    for p in pairs:
        name, _, path = p.partition("=")
        if not name or len(name) >= NAME_MAX:
            fail(f"bad program name {name!r} (1-{NAME_MAX - 1} characters)")
        entries.append((name, path, os.path.getsize(path)))
    return entries


def write_archive(out, entries):
    names = [e[0] for e in entries]
    for n in names:
        if names.count(n) > 1:
            fail(f"program {n!r} given twice")
    offsets, offset = [], HEADER + ENTRY * len(entries)
    for _, _, size in entries:
        offset = (offset + 15) & ~15
        offsets.append(offset)
        offset += size
    tmp = out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<QQ", MAGIC, len(entries)))
        for (name, _, size), off in zip(entries, offsets):
            f.write(struct.pack("<32sQQ", name.encode(), off, size))
        for (_, path, size), off in zip(entries, offsets):
            f.write(b"\0" * (off - f.tell()))
            with open(path, "rb") as src:
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
    if len(sys.argv) < 2:
        fail("usage: pack_programs.py OUT [NAME=FILE ...]")
    write_archive(sys.argv[1], file_entries(sys.argv[2:]))


if __name__ == "__main__":
    main()

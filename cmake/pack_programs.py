#!/usr/bin/env python3
"""Pack domain programs into the archive the root server reads.

usage: pack_programs.py OUT [NAME=ELF ...]
Layout (kernel/include/moat/bootinfo.h, struct moat_programs): magic,
count, one 48-byte entry per program (name, offset, size), then each ELF
file at a 16-byte aligned offset.
"""
import struct
import sys

MAGIC = 0x31475250544F4F4D
NAME_MAX = 32


def main():
    out, pairs = sys.argv[1], sys.argv[2:]
    progs = []
    for p in pairs:
        name, _, path = p.partition("=")
        if not name or len(name) >= NAME_MAX:
            sys.exit(f"pack_programs: bad program name {name!r} (1-{NAME_MAX - 1} characters)")
        if any(n == name for n, _ in progs):
            sys.exit(f"pack_programs: program {name!r} given twice")
        with open(path, "rb") as f:
            progs.append((name, f.read()))
    offset = 16 + 48 * len(progs)
    header = struct.pack("<QQ", MAGIC, len(progs))
    entries, blobs = b"", b""
    for name, data in progs:
        offset = (offset + 15) & ~15
        pad = offset - (16 + 48 * len(progs) + len(blobs))
        blobs += b"\0" * pad + data
        entries += struct.pack("<32sQQ", name.encode(), offset, len(data))
        offset += len(data)
    with open(out, "wb") as f:
        f.write(header + entries + blobs)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Check an arm64 Image header (Linux Documentation/arch/arm64/booting.rst
layout) against the image file and the ELF it came from."""
import struct
import sys


def fail(msg):
    print(f"FAIL: {msg}")
    sys.exit(1)


def elf_memsz(path):
    """Span of the loadable segments of a 64-bit little-endian ELF."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        fail(f"{path} is not a 64-bit little-endian ELF")
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    lo, hi = None, 0
    for i in range(phnum):
        p_type, _, _, vaddr, _, _, memsz, _ = struct.unpack_from("<IIQQQQQQ", data, phoff + i * phentsize)
        if p_type == 1 and memsz:
            lo = vaddr if lo is None else min(lo, vaddr)
            hi = max(hi, vaddr + memsz)
    return hi - lo


def main():
    image, elf = sys.argv[1], sys.argv[2]
    with open(image, "rb") as f:
        data = f.read()
    if len(data) < 64:
        fail(f"{image}: {len(data)} bytes, shorter than the 64-byte header")
    code0, code1, text_offset, image_size, flags, r2, r3, r4, magic, r5 = \
        struct.unpack_from("<IIQQQQQQ4sI", data, 0)
    if magic != b"ARM\x64":
        fail(f"magic at offset 56 is {magic!r}, not b'ARM\\x64'")
    if code0 >> 26 != 0b000101:
        fail(f"code0 0x{code0:08x} is not a branch instruction")
    imm26 = code0 & 0x3ffffff
    target = (imm26 - (1 << 26) if imm26 & (1 << 25) else imm26) * 4
    if not 64 <= target < len(data):
        fail(f"code0 branches to offset {target}, outside the image")
    if text_offset % 4096:
        fail(f"text_offset 0x{text_offset:x} is not page aligned")
    if flags & 1:
        fail("flags say big endian")
    if (flags >> 1) & 3 != 1:
        fail(f"flags page size field is {(flags >> 1) & 3}, expected 1 (4 KiB)")
    if image_size < len(data):
        fail(f"image_size {image_size} is smaller than the file ({len(data)} bytes)")
    memsz = elf_memsz(elf)
    if image_size != memsz:
        fail(f"image_size {image_size} differs from the ELF's memory span {memsz}")
    print(f"ok: {image}: text_offset 0x{text_offset:x}, image_size {image_size} "
          f"(file {len(data)}), entry branch to +0x{target:x}")


if __name__ == "__main__":
    main()

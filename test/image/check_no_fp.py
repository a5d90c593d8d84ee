#!/usr/bin/env python3
"""The kernel never touches the FP/SIMD registers: they belong to the
threads, and the kernel does not save them on entry. Every target flag
says -mgeneral-regs-only, but link-time optimisation generates code at link
time, so this checks the linked kernel itself.

usage: check_no_fp.py OBJDUMP KERNEL.elf
"""
import re
import subprocess
import sys

FP_OPERAND = re.compile(r"\b([bhsdqv]([0-9]|[12][0-9]|3[01]))(\.|\b)")


def main():
    objdump, elf = sys.argv[1], sys.argv[2]
    text = subprocess.run([objdump, "-d", "--no-show-raw-insn", elf], capture_output=True,
                          text=True, check=True).stdout
    bad = []
    count = 0
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) < 2 or not parts[0].strip().endswith(":"):
            continue
        count += 1
        insn = " ".join(parts[1:]).split("//")[0]
        if FP_OPERAND.search(insn.split(" ", 1)[1] if " " in insn else ""):
            bad.append(line.strip())
    if count < 1000:
        print(f"FAIL: only {count} instructions disassembled from {elf}")
        return 1
    if bad:
        print(f"FAIL: {len(bad)} instructions use FP/SIMD registers, e.g.:")
        print("\n".join(bad[:10]))
        return 1
    print(f"PASS: {count} kernel instructions, none uses an FP/SIMD register")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""The kernel never touches the FP/SIMD registers: they belong to the
threads, and the kernel does not save them on entry. Every target flag
says -mgeneral-regs-only, but link-time optimisation generates code at link
time, so this checks the linked kernel itself. The one exception is the
world switch's FP/SIMD save and load (kernel/arch/aarch64/fp.S), which must
be there and use nothing but loads, stores and FPCR/FPSR moves.

usage: check_no_fp.py OBJDUMP KERNEL.elf
"""
import re
import subprocess
import sys

FP_OPERAND = re.compile(r"\b([bhsdqv]([0-9]|[12][0-9]|3[01]))(\.|\b)")
SYMBOL = re.compile(r"^[0-9a-f]+ <([^>]+)>:$")
FP_SWITCH = {"arch_fp_save": ("stp", "str", "mrs", "ret"),
             "arch_fp_load": ("ldp", "ldr", "msr", "ret")}


def main():
    objdump, elf = sys.argv[1], sys.argv[2]
    text = subprocess.run([objdump, "-d", "--no-show-raw-insn", elf], capture_output=True,
                          text=True, check=True).stdout
    bad = []
    count = 0
    seen = set()
    function = None
    for line in text.splitlines():
        m = SYMBOL.match(line.strip())
        if m:
            function = m.group(1)
            seen.add(function)
            continue
        parts = line.split("\t")
        if len(parts) < 2 or not parts[0].strip().endswith(":"):
            continue
        count += 1
        insn = " ".join(parts[1:]).split("//")[0]
        if function in FP_SWITCH:
            if insn.split(" ", 1)[0].strip() not in FP_SWITCH[function]:
                bad.append(line.strip())
            continue
        if FP_OPERAND.search(insn.split(" ", 1)[1] if " " in insn else ""):
            bad.append(line.strip())
    if count < 1000:
        print(f"FAIL: only {count} instructions disassembled from {elf}")
        return 1
    missing = set(FP_SWITCH) - seen
    if missing:
        print(f"FAIL: no {', '.join(sorted(missing))} in {elf}")
        return 1
    if bad:
        print(f"FAIL: {len(bad)} instructions use FP/SIMD registers, e.g.:")
        print("\n".join(bad[:10]))
        return 1
    print(f"PASS: {count} kernel instructions, none but the FP/SIMD save and load uses an FP/SIMD register")
    return 0


if __name__ == "__main__":
    sys.exit(main())

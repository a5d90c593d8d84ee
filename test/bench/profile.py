#!/usr/bin/env python3
"""Where a Moat image's instructions go: runs it under QEMU with
`-d in_asm,exec,nochain` and counts, per function (kernel and user), the
instructions executed (each translation block's length times its runs).

usage: profile.py QEMU_ARGS_FILE IMAGE ELF [ELF...] [--start SYM] [--stop SYM]
       [--per N] [--seconds N]
ELFs give the symbols (the kernel image's .elf, the programs' .elf files).
Counting starts when SYM is first executed and ends at the first --stop
symbol after that; --per divides the counts (by a benchmark's iterations).
"""
import argparse
import bisect
import collections
import os
import re
import subprocess
import tempfile


def symbols(elfs):
    syms = []
    for elf in elfs:
        out = subprocess.run(["aarch64-linux-gnu-nm", "-n", elf], capture_output=True,
                             text=True, check=True).stdout
        for line in out.splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[1] in "tTwW":
                syms.append((int(parts[0], 16), parts[2]))
    syms.sort()
    return [a for a, _ in syms], [n for _, n in syms]


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("qemu_args")
    p.add_argument("image")
    p.add_argument("elfs", nargs="+")
    p.add_argument("--seconds", type=float, default=20)
    p.add_argument("--top", type=int, default=40)
    p.add_argument("--start")
    p.add_argument("--stop")
    p.add_argument("--per", type=float, default=1)
    a = p.parse_args()
    with open(a.qemu_args) as f:
        qargs = [line.strip() for line in f if line.strip()]
    log = tempfile.mktemp(suffix=".qemu.log")
    cmd = ["qemu-system-aarch64", *qargs, "-icount", "shift=0", "-display", "none",
           "-monitor", "none", "-serial", "null", "-kernel", a.image,
           "-d", "in_asm,exec,nochain", "-D", log]
    try:
        subprocess.run(cmd, timeout=a.seconds)
    except subprocess.TimeoutExpired:
        pass
    addrs, names = symbols(a.elfs)

    def name_of(pc):
        i = bisect.bisect_right(addrs, pc) - 1
        return names[i] if i >= 0 else hex(pc)

    tb_len = {}
    per = collections.Counter()
    counting = a.start is None
    cur = None
    with open(log, errors="replace") as f:
        for line in f:
            if line.startswith("IN:"):
                cur = None
                continue
            m = re.match(r"0x([0-9a-f]+):\s", line)
            if m:
                addr = int(m.group(1), 16)
                if cur is None:
                    cur = addr
                    tb_len[cur] = 0
                tb_len[cur] += 1
                continue
            m = re.search(r"Trace \d+: 0x[0-9a-f]+ \[[0-9a-f]+/([0-9a-f]+)/", line)
            if m:
                cur = None
                pc = int(m.group(1), 16)
                name = name_of(pc)
                if not counting and name == a.start:
                    counting = True
                elif counting and a.stop and name == a.stop:
                    break
                if counting:
                    per[name] += tb_len.get(pc, 0)
    os.unlink(log)
    for name, n in per.most_common(a.top):
        print(f"{n / a.per:12.1f}  {name}")
    print(f"{sum(per.values()) / a.per:12.1f}  total")


if __name__ == "__main__":
    main()

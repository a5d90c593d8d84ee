#!/usr/bin/env python3
"""Where a Moat image's instructions go: runs it under QEMU with
`-d in_asm,exec,nochain` and counts, per function (kernel and user), the
instructions executed (each translation block's length times its runs).

usage: profile.py QEMU_ARGS_FILE IMAGE ELF [ELF...] [--start SYM] [--start-hit N]
       [--stop SYM] [--stop-hit N] [--per N] [--seconds N] [--extra=ARG]...
       [--trace-from TEXT]
ELFs give the symbols (the kernel image's .elf, the programs' .elf files:
build the target with -DMOAT_DISTINCT_BASES=ON so that no two programs
share addresses). Counting starts at the Nth entry to SYM (the first by
default) and ends at the next entry to the --stop symbol (or the Nth
after the start, --stop-hit N); --per divides
the counts (by a benchmark's iterations). Each --extra is one more QEMU
argument (a disk, say). Beside each function's instructions: how often
its first block ran (calls to it, and any branch back to its entry).

--trace-from TEXT runs QEMU untraced until TEXT appears on the serial
line, then turns the trace on from its monitor and has every block
translated again (a breakpoint set and cleared through its gdbstub
flushes QEMU's translations): for a run whose start, such as a Linux
guest's boot, would make the trace too long. -dfilter ranges (with
--extra) keep it to the code of interest.
"""
import argparse
import bisect
import collections
import os
import re
import socket
import subprocess
import tempfile
import time


def symbols(elfs):
    syms = []
    for elf in elfs:
        prog = os.path.basename(elf).removesuffix(".elf")
        out = subprocess.run(["aarch64-linux-gnu-nm", "-n", elf], capture_output=True,
                             text=True, check=True).stdout
        for line in out.splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[1] in "tTwW":
                syms.append((int(parts[0], 16), f"{parts[2]} ({prog})"))
    syms.sort()
    return [a for a, _ in syms], [n for _, n in syms]


def gdb_packet(sock, data):
    """Sends one gdbstub packet and returns its answer, acknowledging it."""
    sock.sendall(f"${data}#{sum(data.encode()) % 256:02x}".encode())
    got = b""
    while not re.search(rb"\$[^#]*#..", got):
        chunk = sock.recv(4096)
        if not chunk:
            break
        got += chunk
    sock.sendall(b"+")
    return got


def run_traced_from(cmd, text, log, seconds):
    """Runs cmd untraced until text is on its serial line, then traced."""
    serial, monitor = log + ".serial", log + ".monitor"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(cmd + ["-serial", f"file:{serial}",
                                   "-monitor", f"unix:{monitor},server,nowait",
                                   "-gdb", f"tcp:127.0.0.1:{port}"])
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            time.sleep(0.5)
            if os.path.exists(serial) and text.encode() in open(serial, "rb").read():
                break
        else:
            raise SystemExit(f"profile.py: {text!r} never appeared on the serial line")
        with socket.socket(socket.AF_UNIX) as mon:
            mon.connect(monitor)
            mon.sendall(b"log in_asm,exec,nochain\n")
            time.sleep(0.5)
        with socket.create_connection(("127.0.0.1", port)) as gdb:  # stops the machine
            gdb_packet(gdb, "?")
            gdb_packet(gdb, "Z0,0,4")  # each flushes every translation
            gdb_packet(gdb, "z0,0,4")
            gdb.sendall(b"$D#44")  # detach: the machine runs on
            time.sleep(0.5)
        proc.wait(timeout=max(1, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        pass
    finally:
        proc.kill()
        proc.wait()
        for f in (serial, monitor):
            if os.path.exists(f):
                os.unlink(f)


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("qemu_args")
    p.add_argument("image")
    p.add_argument("elfs", nargs="+")
    p.add_argument("--seconds", type=float, default=20)
    p.add_argument("--top", type=int, default=40)
    p.add_argument("--start")
    p.add_argument("--start-hit", type=int, default=1)
    p.add_argument("--extra", action="append", default=[])
    p.add_argument("--stop")
    p.add_argument("--stop-hit", type=int, default=1)
    p.add_argument("--per", type=float, default=1)
    p.add_argument("--trace-from")
    a = p.parse_args()
    with open(a.qemu_args) as f:
        qargs = [line.strip() for line in f if line.strip()]
    log = tempfile.mktemp(suffix=".qemu.log")
    cmd = ["qemu-system-aarch64", *qargs, "-icount", "shift=0", "-display", "none",
           "-kernel", a.image, "-D", log, *a.extra]
    if a.trace_from:
        run_traced_from(cmd, a.trace_from, log, a.seconds)
    else:
        try:
            subprocess.run(cmd + ["-monitor", "none", "-serial", "null",
                                  "-d", "in_asm,exec,nochain"], timeout=a.seconds)
        except subprocess.TimeoutExpired:
            pass
    addrs, names = symbols(a.elfs)
    start = addrs[[n.split()[0] for n in names].index(a.start)] if a.start else None
    stop = addrs[[n.split()[0] for n in names].index(a.stop)] if a.stop else None

    def name_of(pc):
        i = bisect.bisect_right(addrs, pc) - 1
        return names[i] if i >= 0 else hex(pc)

    tb_len = {}
    per = collections.Counter()
    calls = collections.Counter()
    entry = dict(zip(addrs, names))  # a block at a symbol's address enters it
    counting = a.start is None
    hits = stops = 0
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
                if not counting and pc == start:
                    hits += 1
                    counting = hits == a.start_hit
                elif counting and pc == stop:
                    stops += 1
                    if stops == a.stop_hit:
                        break
                if counting:
                    per[name_of(pc)] += tb_len.get(pc, 0)
                    if pc in entry:
                        calls[entry[pc]] += 1
    os.unlink(log)
    print(f"{'instructions':>12}  {'entries':>8}  function")
    for name, n in per.most_common(a.top):
        print(f"{n / a.per:12.1f}  {calls[name] / a.per:8.2f}  {name}")
    progs = collections.Counter()
    for name, n in per.items():
        progs[name.rsplit("(", 1)[-1].rstrip(")")] += n
    for prog, n in progs.most_common():
        print(f"{n / a.per:12.1f}  all of {prog}")
    print(f"{sum(per.values()) / a.per:12.1f}  total")


if __name__ == "__main__":
    main()

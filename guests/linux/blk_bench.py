#!/usr/bin/env python3
"""BENCH blk_pv_vs_direct and blk_pv_vs_direct_write: a guest's sequential
I/O through the block backend against the block driver's own, one run.

The image has the driver's benchmark build: before serving its first
request (the guest then waits for it), it reads and then writes 32 MiB itself at 8 requests of 128 KiB in flight; then it
counts the instructions of the guest's 32 MiB read and write from the
guest's first request there until the last completes. QEMU runs with
-icount shift=0 and the driver counts with event counter 0 on
INST_RETIRED: instructions executed, by everything, and nothing while the
CPU waits for the device. Throughput is bytes per instruction, so each
ratio is the driver's count over the guest's.

The guest is Moat's PV guest (test/qemu/pvio, pv_blk_bench: its queue by
PV I/O, the same 8 requests of 128 KiB in flight) unless --linux is
given: then Linux (test/qemu/linux, linux_blk_bench: dd, page cache and
all), and the names are blk_linux_vs_direct and _write.

With --qd32 (image pv_blk_qd32: 8192 reads of 4 KiB, 32 in flight; with
--linux, linux_blk_qd32: 32 readers at once, 4 KiB O_DIRECT reads),
BENCH notify_per_request_qd32 (with --linux, _linux) instead: the
guest's notifications to its VMM and the VMM's interrupts to it, per
request, as the VMM counts them over the guest's life (Linux's boot adds
a handful of requests).

usage: blk_bench.py [--linux] [--qd32] RUN_TEST_ARGS...
"""
import os
import re
import subprocess
import sys
import tempfile

DISK_BYTES = 96 << 20


def main():
    qd32, linux = "--qd32" in sys.argv, "--linux" in sys.argv
    args = [a for a in sys.argv[1:] if a not in ("--qd32", "--linux")]
    suffix = "_linux" if linux else ""
    kind = "linux" if linux else "pv"
    run_test = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test",
                            "qemu", "run_test.py")
    with tempfile.TemporaryDirectory() as tmp:
        disk = os.path.join(tmp, "disk.img")
        with open(disk, "wb") as f:
            f.truncate(DISK_BYTES)
        extra = ["-icount", "shift=0",
                 "-drive", f"if=none,file={disk},format=raw,id=disk0",
                 "-device", "virtio-blk-device,drive=disk0",
                 "-global", "virtio-mmio.force-legacy=false"]
        proc = subprocess.run([sys.executable, run_test] + args +
                              [f"--extra={a}" for a in extra],
                              stdout=subprocess.PIPE, text=True, errors="replace")
        sys.stdout.write(proc.stdout)
        if proc.returncode:
            return proc.returncode
    if qd32:
        m = re.search(r"its disk took (\d+) requests, (\d+) notifications from it and (\d+) "
                      r"interrupts to it", proc.stdout)
        if not m:
            print("FAIL the VMM counted nothing")
            return 1
        req, kicks, irqs = (int(g) for g in m.groups())
        print(f"BENCH notify_per_request_qd32{suffix} {(kicks + irqs) / req:.3f} notifications")
        print(f"  ({req} requests, {kicks} notifications from the guest, {irqs} interrupts to it)")
        return 0
    n = dict(re.findall(r"virtio_blk: bench: (its own read|its own write|the guest's read|"
                        r"the guest's write) of 32 MiB: (\d+) instructions", proc.stdout))
    if len(n) != 4:
        print(f"FAIL only {sorted(n)} measured")
        return 1
    for op, name in (("read", f"blk_{kind}_vs_direct"), ("write", f"blk_{kind}_vs_direct_write")):
        own, guest = int(n[f"its own {op}"]), int(n[f"the guest's {op}"])
        if not own or not guest:
            print("FAIL a count of 0: is the instruction counter (INST_RETIRED) there?")
            return 1
        print(f"BENCH {name} {own / guest:.3f} x")
        print(f"  ({op} of 32 MiB: the driver alone {own} instructions, "
              f"the guest through the backend {guest})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

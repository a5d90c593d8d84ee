#!/usr/bin/env python3
"""linux.moat_net: run_test.py on the image (its arguments passed on) with
QEMU's user network as the NIC's, a port of this host forwarded to guest
10.0.2.15:8080 (hostfwd). While it runs, a host process connects to that
port until the guest's service answers, and the line it read must be the
one the guest serves: the connection went host -> QEMU -> NIC driver
domain -> switch -> the guest's VMM -> Linux, and back.

With --bench (the image's switch is its benchmark build) QEMU runs with
-icount shift=0, where virtual time is one nanosecond per instruction
while the CPU runs and follows the host's clock while it waits in WFI.
The switch's counts for the stream from alpha to beta become BENCH
net_guest_to_guest in MiB/s of virtual time (Ethernet frames of the
stream, headers included), with the instructions executed per frame
beside it (INST_RETIRED, which stops in WFI) and the share of the
virtual time the CPU was busy.

usage: net_test.py [--bench] RUN_TEST_ARGS...
"""
import re
import os
import socket
import subprocess
import sys
import threading
import time

WANT = b"moat-hostfwd from 02:4d:4f:00:00:01\n"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(port, stop, got):
    """Connects until a non-empty answer comes (the guest may not listen yet)."""
    while not stop.is_set():
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
                data = b""
                while True:
                    chunk = s.recv(4096)
                    if not chunk:
                        break
                    data += chunk
            if data:
                got.append(data)
                return
        except OSError:
            pass
        time.sleep(0.5)


def main():
    run_test = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test",
                            "qemu", "run_test.py")
    bench = "--bench" in sys.argv
    args = [a for a in sys.argv[1:] if a != "--bench"]
    port = free_port()
    extra = (["-icount", "shift=0"] if bench else []) + ["-netdev", f"user,id=n0,hostfwd=tcp:127.0.0.1:{port}-10.0.2.15:8080",
             "-device", "virtio-net-device,netdev=n0",
             "-global", "virtio-mmio.force-legacy=false"]
    stop, got = threading.Event(), []
    t = threading.Thread(target=fetch, args=(port, stop, got), daemon=True)
    t.start()
    proc = subprocess.run([sys.executable, run_test] + args + [f"--extra={a}" for a in extra],
                          stdout=subprocess.PIPE, text=True, errors="replace")
    sys.stdout.write(proc.stdout)
    rc = proc.returncode
    stop.set()
    t.join(10)
    if rc:
        return rc
    if got != [WANT]:
        print(f"FAIL the host read {got!r} from port {port}, not {WANT!r}")
        return 1
    print(f"PASS the host read {WANT!r} from the guest's service through port {port}")
    if bench:
        m = re.search(r"net: bench: (\d+) bytes of frames from port 1 to port 2 in (\d+) "
                      r"frames: (\d+) ns of virtual time, (\d+) instructions; (\d+) frames back",
                      proc.stdout)
        if not m:
            print("FAIL the switch measured nothing")
            return 1
        nbytes, frames, ns, instr, back = (int(g) for g in m.groups())
        if not frames or not ns or not instr or instr > ns:
            print(f"FAIL the switch's counts make no sense: {m.group(0)}")
            return 1
        print(f"BENCH net_guest_to_guest {nbytes / (ns * 1e-9) / (1 << 20):.1f} MiB/s")
        print(f"BENCH net_guest_to_guest_per_frame {instr // frames} instructions")
        print(f"BENCH net_guest_to_guest_busy {100 * instr // ns} %")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""linux.moat_net: run_test.py on the image (its arguments passed on) with
QEMU's user network as the NIC's, a port of this host forwarded to guest
10.0.2.15:8080 (hostfwd). While it runs, a host process connects to that
port until the guest's service answers, and the line it read must be the
one the guest serves: the connection went host -> QEMU -> NIC driver
domain -> switch -> the guest's VMM -> Linux, and back.

usage: net_test.py RUN_TEST_ARGS...
"""
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
    port = free_port()
    extra = ["-netdev", f"user,id=n0,hostfwd=tcp:127.0.0.1:{port}-10.0.2.15:8080",
             "-device", "virtio-net-device,netdev=n0",
             "-global", "virtio-mmio.force-legacy=false"]
    stop, got = threading.Event(), []
    t = threading.Thread(target=fetch, args=(port, stop, got), daemon=True)
    t.start()
    rc = subprocess.run([sys.executable, run_test] + sys.argv[1:] +
                        [f"--extra={a}" for a in extra]).returncode
    stop.set()
    t.join(10)
    if rc:
        return rc
    if got != [WANT]:
        print(f"FAIL the host read {got!r} from port {port}, not {WANT!r}")
        return 1
    print(f"PASS the host read {WANT!r} from the guest's service through port {port}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

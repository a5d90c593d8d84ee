#!/usr/bin/env python3
"""Boot one Moat image under QEMU and judge the run.

A run passes only if QEMU ends with the expected exit status (the kernel
reports its verdict through semihosting) and every --expect regex appears in
the serial output, in the order given. With --expect-exit stop, QEMU is
stopped as soon as every expectation has matched (for images that never
end by themselves). --send REGEX TEXT types TEXT (with Python escapes such
as \\r or \\x01) on QEMU's serial input once REGEX has appeared in the
output, each --send after the previous one; --expect-anywhere REGEX must
appear somewhere, in any order (for lines of writers whose output reaches
the console by different rings); --forbid REGEX fails the run if
REGEX (multi-line) matches the output anywhere. On failure the whole serial
log is printed.
"""
import argparse
import codecs
import os
import re
import selectors
import subprocess
import sys
import time


def parse_args():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--qemu", default="qemu-system-aarch64")
    p.add_argument("--qemu-args", required=True, help="file with one QEMU argument per line")
    p.add_argument("--image", required=True)
    p.add_argument("--timeout", type=float, default=60)
    p.add_argument("--expect-exit", default="0", help="exit status, or 'stop'")
    p.add_argument("--expect", action="append", default=[], help="regex, in order")
    p.add_argument("--expect-anywhere", action="append", default=[], metavar="REGEX",
                   help="regex that must appear, in any order (lines of concurrent writers)")
    p.add_argument("--extra", action="append", default=[], help="extra QEMU argument")
    p.add_argument("--same", action="append", default=[], metavar="REGEX",
                   help="a regex with one group: every match's group must be the same value")
    p.add_argument("--send", nargs=2, action="append", default=[], metavar=("REGEX", "TEXT"),
                   help="once REGEX has appeared (after the previous --send), type TEXT")
    p.add_argument("--forbid", action="append", default=[], metavar="REGEX",
                   help="a regex (multi-line) that must match nowhere in the output")
    return p.parse_args()


def check_same(patterns, text):
    """Why the --same patterns fail on the output, or None."""
    for pattern in patterns:
        values = re.findall(pattern, text)
        if not values:
            return f"no line matches {pattern!r}"
        if len(set(values)) != 1:
            return f"{pattern!r} matched different values: {', '.join(values)}"
    return None


class Matcher:
    """Matches the expectations in order against the growing output."""

    def __init__(self, patterns):
        self.patterns = [re.compile(p) for p in patterns]
        self.next = 0
        self.pos = 0

    def feed(self, text):
        while self.next < len(self.patterns):
            m = self.patterns[self.next].search(text, self.pos)
            if not m:
                return
            self.pos = m.end()
            self.next += 1

    def done(self):
        return self.next == len(self.patterns)

    def missing(self):
        return [p.pattern for p in self.patterns[self.next:]]


class AnyMatcher:
    """Expectations each of which must appear somewhere, in any order."""

    def __init__(self, patterns):
        self.left = [re.compile(p) for p in patterns]

    def feed(self, text):
        self.left = [p for p in self.left if not p.search(text)]

    def done(self):
        return not self.left

    def missing(self):
        return [p.pattern for p in self.left]


class Sender:
    """Types each text on QEMU's input once its regex has appeared, in order."""

    def __init__(self, pairs, stdin):
        self.pairs = [(re.compile(r), codecs.decode(t, "unicode_escape").encode("latin-1"))
                      for r, t in pairs]
        self.stdin = stdin
        self.pos = 0

    def feed(self, text):
        while self.pairs:
            m = self.pairs[0][0].search(text, self.pos)
            if not m:
                return
            self.pos = m.end()
            try:
                self.stdin.write(self.pairs[0][1])
                self.stdin.flush()
            except BrokenPipeError:
                return  # QEMU is gone; the run's status says why
            self.pairs.pop(0)

    def missing(self):
        return [r.pattern for r, _ in self.pairs]


def run(args):
    if not os.path.exists(args.image):
        return False, f"image {args.image} does not exist (build it first)", ""
    with open(args.qemu_args) as f:
        qemu_args = [line.strip() for line in f if line.strip()]
    cmd = [args.qemu, *qemu_args, "-display", "none", "-monitor", "none",
           "-serial", "stdio", "-kernel", args.image, *args.extra]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE if args.send else subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    sender = Sender(args.send, proc.stdin)
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    out = bytearray()
    matcher = Matcher(args.expect)
    anywhere = AnyMatcher(args.expect_anywhere)
    deadline = time.monotonic() + args.timeout
    stopped = timed_out = False
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            timed_out = True
            break
        if not sel.select(timeout=min(left, 0.5)):
            if proc.poll() is not None:
                break
            continue
        chunk = os.read(proc.stdout.fileno(), 65536)
        if not chunk:
            break
        out += chunk
        matcher.feed(out.decode("utf-8", "replace"))
        anywhere.feed(out.decode("utf-8", "replace"))
        sender.feed(out.decode("utf-8", "replace"))
        if args.expect_exit == "stop" and matcher.done() and anywhere.done() and \
                not sender.pairs:
            stopped = True
            break
    if proc.poll() is None:
        proc.kill()
    status = proc.wait()
    text = out.decode("utf-8", "replace").replace("\r\n", "\n")

    if timed_out:
        return False, f"timed out after {args.timeout:.0f} s", text
    if args.expect_exit != "stop":
        want = int(args.expect_exit)
        if status != want:
            why = f"QEMU exited with status {status}, expected {want}"
            fails = [l for l in text.splitlines() if l.startswith("KTEST FAIL") or "panic:" in l]
            if fails:
                why += "\n  " + "\n  ".join(fails)
            return False, why, text
    elif not stopped:
        return False, f"QEMU ended (status {status}) before every expectation matched", text
    if sender.pairs:
        return False, "never typed: the output lacked (in order):\n  " + \
            "\n  ".join(sender.missing()), text
    if not matcher.done():
        return False, "missing from the serial output (in order):\n  " + \
            "\n  ".join(matcher.missing()), text
    if not anywhere.done():
        return False, "missing from the serial output:\n  " + \
            "\n  ".join(anywhere.missing()), text
    for pattern in args.forbid:
        m = re.search(pattern, text, re.MULTILINE)
        if m:
            return False, f"forbidden {pattern!r} matched: {m.group(0)!r}", text
    why = check_same(args.same, text)
    if why:
        return False, why, text
    return True, "", text


def main():
    args = parse_args()
    t0 = time.monotonic()
    ok, why, text = run(args)
    name = os.path.basename(args.image)
    if ok:
        sys.stdout.write(text)
        print(f"PASS {name} ({time.monotonic() - t0:.1f} s)")
        return 0
    print(f"----- serial output of {name} -----")
    sys.stdout.write(text)
    if text and not text.endswith("\n"):
        print()
    print("-----")
    print(f"FAIL {name}: {why}")
    return 1


if __name__ == "__main__":
    sys.exit(main())

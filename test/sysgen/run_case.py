#!/usr/bin/env python3
"""One moat-sysgen test case (test/sysgen/CMakeLists.txt).

bad:  the tool must exit 1, remove the stale output it was handed, and
      print every line of the .expect file somewhere on standard error.
good: the tool must exit 0 and write the output, which must compile with
      the cross compiler and contain every line of the .expect file
      (there, a two-character "\\n" stands for a line break, so that one
      expectation can span several lines of the output).
"""
import argparse
import os
import subprocess
import sys


def expectations(path):
    with open(path, encoding="utf-8") as f:
        lines = [line.rstrip("\n") for line in f]
    lines = [line for line in lines if line.strip()]
    if not lines:
        sys.exit(f"{path}: no expectations")
    return lines


def missing(text, wanted):
    return [w for w in wanted if w not in text]


def run_bad(args, wanted):
    with open(args.out, "w", encoding="utf-8") as f:
        f.write("/* stale output: moat-sysgen must remove it */\n")
    r = subprocess.run([args.tool, args.desc, args.dtb, args.out],
                       capture_output=True, text=True, timeout=30)
    errors = []
    if r.returncode != 1:
        errors.append(f"exit status {r.returncode}, expected 1")
    if os.path.exists(args.out):
        errors.append(f"{args.out} exists after a failed run")
    for w in missing(r.stderr, wanted):
        errors.append(f"stderr lacks: {w}")
    return errors, r.stderr


def compile_output(args):
    obj = args.out + ".o"
    cmd = [args.cc, "-std=c11", "-ffreestanding", "-Wall", "-Wextra", "-Werror",
           "-I", args.include, "-c", args.out, "-o", obj]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        return [f"{' '.join(cmd)} failed:\n{r.stderr}"]
    return []


def run_good(args, wanted):
    if os.path.exists(args.out):
        os.remove(args.out)
    r = subprocess.run([args.tool, args.desc, args.dtb, args.out],
                       capture_output=True, text=True, timeout=30)
    if r.returncode != 0 or not os.path.exists(args.out):
        return [f"exit status {r.returncode}, expected 0 and {args.out}"], r.stderr
    errors = compile_output(args)
    with open(args.out, encoding="utf-8") as f:
        text = f.read()
    for w in missing(text, wanted):
        errors.append(f"{args.out} lacks: {w}")
    return errors, r.stderr


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["bad", "good"])
    p.add_argument("--tool", required=True)
    p.add_argument("--dtb", required=True)
    p.add_argument("--desc", required=True)
    p.add_argument("--expect", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--cc")
    p.add_argument("--include")
    args = p.parse_args()
    wanted = expectations(args.expect)
    if args.mode == "good":
        wanted = [w.replace("\\n", "\n") for w in wanted]
    run = run_bad if args.mode == "bad" else run_good
    errors, stderr = run(args, wanted)
    if errors:
        print(f"moat-sysgen stderr:\n{stderr}", file=sys.stderr)
        for e in errors:
            print(f"FAIL: {e}", file=sys.stderr)
        return 1
    print(f"ok: {os.path.basename(args.desc)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Merge compile_commands.json files: merge_compile_commands.py IN... OUT.
Missing inputs are skipped, so a partial build still yields a database."""
import json
import os
import sys

entries = []
for path in sys.argv[1:-1]:
    if os.path.exists(path):
        with open(path) as f:
            entries.extend(json.load(f))
out = sys.argv[-1]
text = json.dumps(entries, indent=1)
if not os.path.exists(out) or open(out).read() != text:
    with open(out, "w") as f:
        f.write(text)

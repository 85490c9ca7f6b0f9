#!/usr/bin/env python3
"""Prefixes every line of stdin with the seconds since this filter started ("12.345 line"), and ends with
an "END" line stamped when stdin closes (the build's end). bench/run.sh pipes a build's plain progress
through it to see when a step's last output line and its DONE came (bench/step_commit.py)."""
import sys
import time

start = time.monotonic()
for line in sys.stdin:
    sys.stdout.write("%.3f %s" % (time.monotonic() - start, line))
    sys.stdout.flush()
sys.stdout.write("%.3f END\n" % (time.monotonic() - start))

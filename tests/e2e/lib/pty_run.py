#!/usr/bin/env python3
"""Runs a command on a pseudo-terminal of ROWS x COLS (its stdin, stdout and stderr), as from a user's
shell, and plays a script against it: each step waits for a text in the output, writes keys, or resizes
the terminal (TIOCSWINSZ, then SIGWINCH to the command, as a terminal emulator's kernel would send to
its foreground process group). Then reads the output until the command exits (at most 60 s per step and
for the end, then SIGKILL).

usage: pty_run.py TRANSCRIPT ROWS COLS STEPS_JSON COMMAND [ARGS...]
STEPS_JSON: a list of ["wait", TEXT], ["write", TEXT], ["resize", ROWS, COLS].
Writes the output to TRANSCRIPT and prints two lines on stdout: "exit N" / "signal N" / "timeout" /
"not-seen TEXT", then "terminal restored" when the terminal's mode after the command is what it was
before, else "terminal changed"."""
import fcntl
import json
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import time


def set_size(fd, rows, cols):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def main():
    transcript_path, rows, cols, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), json.loads(sys.argv[4])
    command = sys.argv[5:]
    master, slave = pty.openpty()
    set_size(master, rows, cols)
    before = termios.tcgetattr(slave)
    child = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave, start_new_session=True)
    transcript = open(transcript_path, "wb")
    seen = b""

    def pump(timeout):
        nonlocal seen
        readable, _, _ = select.select([master], [], [], timeout)
        if readable:
            try:
                data = os.read(master, 65536)
            except OSError:
                data = b""
            seen += data
            transcript.write(data)
            transcript.flush()

    def finish(result):
        if child.poll() is None:
            child.kill()
            child.wait()
        print(result)
        after = termios.tcgetattr(slave)
        print("terminal restored" if after == before else "terminal changed")
        sys.exit(0)

    for step in steps:
        if step[0] == "wait":
            deadline = time.monotonic() + 60
            while step[1].encode() not in seen and time.monotonic() < deadline and child.poll() is None:
                pump(0.1)
            if step[1].encode() not in seen:
                pump(0.2)
            if step[1].encode() not in seen:
                finish("not-seen " + step[1])
            seen = seen[seen.index(step[1].encode()) + len(step[1]):]
        elif step[0] == "write":
            os.write(master, step[1].encode())
        elif step[0] == "resize":
            set_size(master, step[1], step[2])
            child.send_signal(signal.SIGWINCH)
    deadline = time.monotonic() + 60
    while child.poll() is None and time.monotonic() < deadline:
        pump(0.1)
    if child.poll() is None:
        finish("timeout")
    for _ in range(10):
        pump(0.05)
    code = child.returncode
    finish(f"signal {-code}" if code < 0 else f"exit {code}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Runs a command on a pseudo-terminal (its stdin, stdout and stderr), so that it sees a terminal as a
user's shell gives it, and interrupts it: once `pgrep -f READY` finds a process, sends SIGNAL to the
command, then keeps reading its output until it exits (at most 60 s, then SIGKILL).

usage: pty_signal.py TRANSCRIPT READY SIGNAL COMMAND [ARGS...]
READY is a pgrep -f pattern; write it so that it does not match itself ("[t]oken"), or it finds this
driver's own command line.
Writes everything the command printed to TRANSCRIPT and prints one line on stdout: "exit N" when the
command exited with status N, "signal N" when a signal ended it, "timeout" when it had to be killed,
"not-ready" when READY never appeared (the command is then killed)."""
import os
import pty
import select
import signal
import subprocess
import sys
import time


def main():
    transcript_path, ready, signal_name, command = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    number = getattr(signal, signal_name)
    master, slave = pty.openpty()
    child = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave, start_new_session=True)
    os.close(slave)
    transcript = open(transcript_path, "wb")

    def pump(timeout):
        readable, _, _ = select.select([master], [], [], timeout)
        if readable:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: every writer of the terminal is gone
                data = b""
            transcript.write(data)
            transcript.flush()

    def is_ready():
        return subprocess.run(["pgrep", "-f", ready], stdout=subprocess.DEVNULL).returncode == 0

    deadline = time.monotonic() + 60
    while child.poll() is None and not is_ready() and time.monotonic() < deadline:
        pump(0.1)
    if child.poll() is not None or not is_ready():
        child.kill()
        child.wait()
        print("not-ready")
        return
    child.send_signal(number)
    deadline = time.monotonic() + 60
    while child.poll() is None and time.monotonic() < deadline:
        pump(0.1)
    if child.poll() is None:
        child.kill()
        child.wait()
        print("timeout")
        return
    for _ in range(20):  # what is still buffered in the terminal
        pump(0.05)
    code = child.returncode
    print(f"signal {-code}" if code < 0 else f"exit {code}")


if __name__ == "__main__":
    main()

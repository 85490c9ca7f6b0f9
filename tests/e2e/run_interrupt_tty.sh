#!/usr/bin/env bash
# SIGINT, SIGTERM and SIGHUP mid-RUN cancel the build the same way in every progress mode, on a terminal
# too (issue 10.4: the tty display's thread took the signal with its default disposition, so the build
# died at once, with no CANCELED line and its overlay mount and ROOT/tmp/build-PID left behind). The
# build runs on a pseudo-terminal (python3's pty module), as from a user's shell; each case asserts:
# exit status 128+N, a CANCELED line on the display, no mount under the root in /proc/self/mountinfo,
# no ROOT/tmp/build-* directory and no process of the step left.
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/run.bash"
require_root
require_tool python3
require_tool pgrep
cd "$E2E_WORK"
import_busybox run-base:latest

driver="$(dirname "$MYBUILD_E2E_LIB")/pty_signal.py"
token="interrupt-$$-$RANDOM"
mkdir ctx
printf 'FROM run-base:latest\nRUN sleep 30; echo %s\n' "$token" >ctx/Dockerfile

# interrupt_case MODE SIGNAL EXPECTED_STATUS
interrupt_case() {
  local mode=$1 signal=$2 expected=$3 log="$E2E_WORK/$1-$2.txt" result
  result=$(python3 "$driver" "$log" "[${token:0:1}]${token:1}" "$signal" "$MYBUILD" build --progress "$mode" --no-cache ctx)
  [ "$result" != "not-ready" ] || { cat "$log" >&2; fail "$mode/$signal: the RUN step starts"; }
  assert_eq "exit $expected" "$result" "$mode/$signal: the build exits $expected"
  grep -q 'CANCELED' "$log" || { cat "$log" >&2; fail "$mode/$signal: the display marks the step CANCELED"; }
  pass "$mode/$signal: the display marks the step CANCELED"
  grep -q 'error: build interrupted' "$log" || fail "$mode/$signal: the build says it was interrupted"
  pass "$mode/$signal: the build says it was interrupted"
  assert_root_clean "$mode/$signal: no mount and no active snapshot under the root"
  local scratch
  scratch=$(find "$MYBUILD_ROOT/tmp" -mindepth 1 -maxdepth 1 -name 'build-*' 2>/dev/null)
  [ -z "$scratch" ] || fail "$mode/$signal: scratch directories left: $scratch"
  pass "$mode/$signal: no scratch directory left"
  if pgrep -f "$token" >/dev/null; then fail "$mode/$signal: the step's process survives"; fi
  pass "$mode/$signal: no process of the step survives"
}

interrupt_case tty SIGINT 130
interrupt_case tty SIGTERM 143
interrupt_case tty SIGHUP 129
interrupt_case plain SIGINT 130
interrupt_case plain SIGTERM 143

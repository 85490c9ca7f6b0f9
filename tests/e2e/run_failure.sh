#!/usr/bin/env bash
# A failing RUN fails the build (exit 1, "Dockerfile:LINE…: RUN <command> exited with code N" and the
# last lines of its output) and an interrupted build exits promptly; both leave the root clean.
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/run.bash"
require_root
cd "$E2E_WORK"
import_busybox run-base:latest

# Exit codes.
status=0
"$MYBUILD" build --progress plain "$MYBUILD_TESTDATA/run/failing" >out.txt 2>err.txt || status=$?
assert_eq 1 "$status" "a failing RUN fails the build with exit code 1"
error=$(grep '^error: ' err.txt || true)
assert_contains "$error" "Dockerfile:4" "the error names the Dockerfile line of the RUN"
assert_contains "$error" ": RUN for i in 1 2 3" "the error shows the RUN command"
assert_contains "$error" "exited with code 42" "the error gives the command's exit code"
tail_lines=$(sed -n '/^error: /,$p' err.txt)
assert_contains "$tail_lines" "output line 20" "the error shows the last lines of output"
assert_contains "$tail_lines" "last words" "the error shows the last lines of standard error too"
case "$tail_lines" in *"output line 1"$'\n'*) fail "the error shows only the last lines, not all of them" ;; esac
pass "the error leaves out the first lines of a long output"
assert_root_clean "a failed build leaves no mount and no active snapshot"
[ -z "$(ls -A "$MYBUILD_ROOT/tmp" 2>/dev/null)" ] || fail "a failed build leaves nothing under ROOT/tmp: $(ls -A "$MYBUILD_ROOT/tmp")"
pass "a failed build leaves nothing under ROOT/tmp"

# The same failure again: the earlier step comes from the cache, the failure is not cached.
status=0
"$MYBUILD" build --progress plain "$MYBUILD_TESTDATA/run/failing" >/dev/null 2>err2.txt || status=$?
assert_eq 1 "$status" "the failure is not cached"
grep -q "CACHED" err2.txt || fail "the step before the failure is cached"
pass "the step before the failure is cached"

# Interrupting a running step.
"$MYBUILD" build --progress plain --no-cache "$MYBUILD_TESTDATA/run/interrupt" >/dev/null 2>interrupt.txt &
pid=$!
for _ in $(seq 1 300); do
  grep -q "started" interrupt.txt && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
grep -q "started" interrupt.txt || { cat interrupt.txt >&2; fail "the RUN sleep 100 step starts"; }
descendants() {  # descendants PID: every process below PID
  local child
  for child in $(pgrep -P "$1" || true); do echo "$child"; descendants "$child"; done
}
step_pids=$(descendants "$pid")
[ -n "$step_pids" ] || fail "the running step has processes"
kill -INT "$pid"
# "Promptly": well before the 100 s the step would take.
for _ in $(seq 1 300); do
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
if kill -0 "$pid" 2>/dev/null; then
  kill -KILL "$pid"
  fail "the build exits within 30 s of SIGINT"
fi
status=0
wait "$pid" || status=$?
[ "$status" -ne 0 ] || fail "an interrupted build does not exit 0"
pass "an interrupted build exits promptly (status $status)"
grep -qi "interrupt\|cancel" interrupt.txt || fail "the build says it was interrupted: $(tail -n 3 interrupt.txt)"
pass "the build says it was interrupted"
assert_root_clean "an interrupted build leaves no mount and no active snapshot"
for step_pid in $step_pids; do
  [ -e "/proc/$step_pid" ] && fail "the step's process $step_pid ($(cat "/proc/$step_pid/cmdline" | tr '\0' ' ')) is gone after the interrupt"
done
pass "the step's processes are gone after the interrupt"

# The root stays usable: the next build on it succeeds and leaves it clean.
"$MYBUILD" build --progress plain "$MYBUILD_TESTDATA/run/runnable" >/dev/null 2>after.txt ||
  { cat after.txt >&2; fail "a build after the interrupted one succeeds on the same root"; }
pass "a build after the interrupted one succeeds on the same root"
assert_root_clean "and leaves the root clean"

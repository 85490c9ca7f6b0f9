#!/usr/bin/env bash
# `mybuild run`: signals and terminals. SIGTERM and SIGUSR1 sent to mybuild reach the container's PID 1
# (a shell that traps them); a container that ignores SIGTERM is killed after --stop-timeout (137), as
# is a PID 1 without a handler (the kernel does not deliver it); mybuild killed with SIGKILL takes the
# container with it and the next run clears its mount; -t gives a terminal whose size the container
# reads and that follows SIGWINCH; -it relays keys and restores the caller's terminal. After each
# case: nothing mounted under the root, no process of the container alive.
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/containers.bash"
require_root
require_tool pgrep
require_tool python3
cd "$E2E_WORK"
import_busybox ctr-base:latest
driver="$(dirname "$MYBUILD_E2E_LIB")/pty_run.py"


# start_container ARGS…: `mybuild run ARGS…` in the background (stdout in ./out), returning once the
# container printed "ready"; sets pid.
start_container() {
  "$MYBUILD" run "$@" >out 2>err &
  pid=$!
  wait_for out ready
}
# stop_container SIGNAL: sends SIGNAL to mybuild and sets status to its exit status (not in a
# subshell: only this shell can wait for its job).
stop_container() {
  kill -"$1" "$pid"
  status=0
  wait "$pid" 2>/dev/null || status=$?
}

# A shell that traps SIGUSR1 and SIGTERM (a background job of this script: SIGINT is ignored here).
token="trap-$$-$RANDOM"
start_container --rm ctr-base:latest sh -c "trap 'echo got-usr1' USR1; trap 'echo got-term; exit 3' TERM
  echo ready; while :; do sleep 0.1; done; : $token"
kill -USR1 "$pid"
wait_for out got-usr1
pass "SIGUSR1 is forwarded to the container's PID 1"
stop_container TERM
assert_eq 3 "$status" "SIGTERM is forwarded: the trap's exit status is the run's"
grep -q got-term out || fail "the trap ran"
pass "the trap ran"
assert_no_leaks "forwarded signals" "$token"

# SIGINT (from a terminal's session, where it is not ignored as in this script's background jobs).
# Ready once the container runs its own sleep, after the trap is set (mybuild's command line has the
# text too, so the pattern anchors on the sleep's).
nap="100$RANDOM"
token="int-$$-$RANDOM"
result=$(python3 "$(dirname "$MYBUILD_E2E_LIB")/pty_signal.py" int.txt "^sleep $nap\$" SIGINT \
  "$MYBUILD" run --rm ctr-base:latest sh -c "trap 'echo got-int; exit 7' INT; sleep $nap & wait; : $token")
assert_eq "exit 7" "$result" "SIGINT is forwarded to the container's PID 1"
grep -q got-int int.txt || fail "the INT trap ran"
pass "the INT trap ran"
assert_no_leaks "SIGINT" "$token"

# A container that ignores SIGTERM: killed after --stop-timeout, 137.
token="ignore-$$-$RANDOM"
start_container --rm --stop-timeout 1 ctr-base:latest sh -c "trap '' TERM; echo ready; while :; do sleep 0.1; done; : $token"
stop_container TERM
assert_eq 137 "$status" "SIGTERM ignored: killed after --stop-timeout (128+9)"
assert_no_leaks "--stop-timeout" "$token"

# PID 1 without a handler: the kernel drops SIGTERM for it, as in docker; the stop timeout kills it.
token="nohandler-$$-$RANDOM"
start_container --rm --stop-timeout 1 ctr-base:latest sh -c "echo ready; exec sleep 1000 # $token"
sleep 0.3
stop_container TERM
assert_eq 137 "$status" "PID 1 without a SIGTERM handler: killed after --stop-timeout"
assert_no_leaks "PID 1 without a handler" "$token"

# mybuild killed with SIGKILL: the container dies with it (parent death signal); the next run removes
# the mount it left in its scratch directory.
token="orphan-$$-$RANDOM"
start_container --rm ctr-base:latest sh -c "echo ready; while :; do sleep 0.1; done; : $token"
stop_container KILL
for i in $(seq 50); do pgrep -f "$token" >/dev/null || break; sleep 0.1; done
if pgrep -f "$token" >/dev/null; then fail "the container survives mybuild's SIGKILL"; fi
pass "the container dies with mybuild"
"$MYBUILD" run --rm ctr-base:latest true || fail "a run after a killed one"
assert_no_leaks "after a killed run" "$token"

# -t: a terminal with the caller's size, updated on SIGWINCH.
result=$(python3 "$driver" tty.txt 37 91 '[]' "$MYBUILD" run --rm -t ctr-base:latest stty size)
assert_eq "exit 0" "$(head -n 1 <<<"$result")" "-t: stty size runs"
grep -q '^37 91' tty.txt || fail "-t: the container's terminal has the caller's size: $(cat tty.txt)"
pass "-t: the container's terminal has the caller's size"
steps='[["wait", "ready"], ["resize", 50, 120], ["wait", "50 120"]]'
result=$(python3 "$driver" winch.txt 24 80 "$steps" "$MYBUILD" run --rm -t ctr-base:latest \
  sh -c 'trap "stty size; exit 4" WINCH; echo ready; while :; do sleep 0.1; done')
assert_eq "exit 4" "$(head -n 1 <<<"$result")" "-t: SIGWINCH resizes the container's terminal (its trap ran)"
assert_eq "no-tty" "$("$MYBUILD" run --rm ctr-base:latest sh -c 'test -t 1 || echo no-tty')" "without -t, no terminal"

# -it: keys reach the container's shell; the caller's terminal is back in its mode afterwards.
steps='[["wait", "# "], ["write", "echo $((6*7))\r"], ["wait", "42"], ["write", "exit 5\r"]]'
result=$(python3 "$driver" it.txt 24 80 "$steps" "$MYBUILD" run --rm -it ctr-base:latest sh)
assert_eq "exit 5" "$(head -n 1 <<<"$result")" "-it: the shell reads the keys and its exit status is the run's"
assert_eq "terminal restored" "$(tail -n 1 <<<"$result")" "-it: the caller's terminal is restored"
assert_no_leaks "terminals"

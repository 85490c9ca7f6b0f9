#!/usr/bin/env bash
# `start -a` (docker start --attach): the container's output of this start, live while it runs (a line
# it prints shows before the container ends), the caller's signals proxied to it (a TERM to mybuild
# reaches the container's trap), and the container's exit status.
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/containers.bash"
container_test_setup
require_tool pgrep
require_tool jq
token="attach-$$-$RANDOM"
# A container whose command ends only on TERM, run once (its "ready" is in the log), stopped, started -a.
"$MYBUILD" run -d --name att ctr-base:latest sh -c "trap 'echo got-term; exit 3' TERM; echo ready; while :; do sleep 0.1; done; : $token" >/dev/null || fail "run -d"
"$MYBUILD" stop -t 0 att >/dev/null || fail "stop"
"$MYBUILD" start -a att >attached.out 2>&1 &
attacher=$!
wait_for attached.out ready
pass "start -a shows the container's output while it runs"
kill -TERM "$attacher"
status=0
wait "$attacher" || status=$?
assert_eq 3 "$status" "a TERM to start -a reaches the container, and start -a exits with its status"
grep -q got-term attached.out || fail "the container's trap ran: $(cat attached.out)"
assert_eq 1 "$(grep -c ready attached.out)" "only this start's output (the earlier run's is not replayed)"
assert_eq "exited" "$("$MYBUILD" container inspect att | jq -r '.[0].State.Status')" "the container exited"
"$MYBUILD" rm att >/dev/null || fail "rm"
assert_no_leaks "start -a" "$token"

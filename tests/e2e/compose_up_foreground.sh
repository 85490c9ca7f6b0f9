#!/usr/bin/env bash
# A foreground `compose up`: every container's output line by line, prefixed "<service>-<n>  | ";
# Ctrl-C (SIGINT from the terminal) stops every service (its stop signal, SIGKILL after its
# stop_grace_period) and leaves nothing running; --abort-on-container-exit and --exit-code-from.
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/containers.bash"
require_tool python3
container_test_setup
token="fg$$"
mkdir -p fg && cd fg
cat >compose.yaml <<EOF
services:
  a:
    image: ctr-base:latest
    init: true
    command: ["sh", "-c", "echo hello from a; sleep 1; exec sleep 777$$"]
  b:
    image: ctr-base:latest
    # No init and a shell that ignores SIGTERM: killed after its grace period.
    stop_grace_period: 1s
    command: ["sh", "-c", "trap '' TERM; echo hello from b; while :; do sleep 0.2; done; : $token"]
EOF
result=$(python3 "$(dirname "$MYBUILD_E2E_LIB")/pty_signal.py" "$E2E_WORK/fg.txt" "[s]leep 777$$" SIGINT "$MYBUILD" compose up)
assert_eq "exit 130" "$result" "Ctrl-C ends a foreground up with 128+SIGINT"
grep -q "a-1 .*|.*hello from a" "$E2E_WORK/fg.txt" || fail "a's output is prefixed: $(cat "$E2E_WORK/fg.txt")"
grep -q "b-1 .*|.*hello from b" "$E2E_WORK/fg.txt" || fail "b's output is prefixed: $(cat "$E2E_WORK/fg.txt")"
pass "each service's output is prefixed with <service>-<n>"
grep -q "Container fg-b-1  Stopped" "$E2E_WORK/fg.txt" || fail "the stop is reported: $(cat "$E2E_WORK/fg.txt")"
pass "Ctrl-C stops the services"
assert_eq "" "$("$MYBUILD" compose ps -q)" "nothing is left running after Ctrl-C"
assert_eq 2 "$("$MYBUILD" compose ps -a -q | wc -l)" "the containers stay, exited, as docker compose leaves them"
assert_no_leaks "Ctrl-C of a foreground up" "$token"
"$MYBUILD" compose down >/dev/null 2>&1 || fail "down after Ctrl-C"

# --exit-code-from: the job's status once it exits; the other service is stopped with it.
cat >compose.yaml <<EOF
services:
  server:
    image: ctr-base:latest
    init: true
    command: ["sh", "-c", "exec sleep 778$$"]
  job:
    image: ctr-base:latest
    command: ["sh", "-c", "echo job done; exit 3"]
EOF
status=0
"$MYBUILD" compose up --exit-code-from job >"$E2E_WORK/abort.out" 2>"$E2E_WORK/abort.err" </dev/null || status=$?
assert_eq 3 "$status" "--exit-code-from exits with that service's status"
grep -q "^job-1 *| job done" "$E2E_WORK/abort.out" || fail "the job's output: $(cat "$E2E_WORK/abort.out")"
pass "the job's output is shown"
assert_eq "" "$("$MYBUILD" compose ps -q)" "--exit-code-from stops the other services"
"$MYBUILD" compose down >/dev/null 2>&1 || fail "down"
assert_no_leaks "--exit-code-from" "sleep 778$$"

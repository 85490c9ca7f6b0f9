#!/usr/bin/env bash
# Restart policies, honoured by the containers' monitors: on-failure:N restarts a failing container N
# times, always restarts one that exits 0; a container stopped by a command (compose down) is not
# restarted, and nothing is left running.
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/containers.bash"
container_test_setup
token="rs$$"
mkdir -p restart && cd restart
cat >compose.yaml <<EOF
services:
  flaky:
    image: ctr-base:latest
    restart: on-failure:2
    command: ["sh", "-c", "echo run; exit 1"]
  steady:
    image: ctr-base:latest
    init: true
    restart: always
    command: ["sh", "-c", "echo tick; sleep 0.2; : $token"]
EOF
"$MYBUILD" compose up -d >"$E2E_WORK/up.out" 2>&1 || { cat "$E2E_WORK/up.out"; fail "compose up -d"; }
count_lines() { "$MYBUILD" compose logs "$1" | grep -c "$2" || true; }
wait_until "flaky ran three times" sh -c "[ \$(\"$MYBUILD\" compose logs flaky | grep -c run) -ge 3 ]"
wait_until "flaky stays exited" sh -c "\"$MYBUILD\" compose ps -a flaky | grep -q 'Exited (1)'"
sleep 1
assert_eq 3 "$(count_lines flaky run)" "on-failure:2 restarts a failing container twice, then leaves it exited"
wait_until "steady restarted twice" sh -c "[ \$(\"$MYBUILD\" compose logs steady | grep -c tick) -ge 3 ]"
pass "always restarts a container that exits 0"
"$MYBUILD" compose down >/dev/null 2>&1 || fail "compose down"
sleep 1
assert_eq "" "$("$MYBUILD" ps -a -q)" "down removes them: a stopped container is not restarted"
assert_no_leaks "restart policies" "$token"
status=0
"$MYBUILD" run --rm -d --restart always ctr-base:latest true >/dev/null 2>"$E2E_WORK/err" || status=$?
assert_eq 125 "$status" "--restart with --rm is refused"
"$MYBUILD" run --restart sometimes ctr-base:latest true >/dev/null 2>"$E2E_WORK/err" || true
assert_contains "$(cat "$E2E_WORK/err")" "expected no, always, unless-stopped or on-failure[:N]" "a bad policy names the choices"

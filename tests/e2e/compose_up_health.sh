#!/usr/bin/env bash
# Health checks run by the containers' monitors: the image's HEALTHCHECK applies when the service sets
# none, `up --wait` returns once it is healthy, compose ps shows it; an unhealthy dependency
# (condition: service_healthy) fails up with the reason, and its dependent is not started.
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/containers.bash"
container_test_setup
build_image ctr-health:1 'FROM ctr-base:latest
HEALTHCHECK --interval=200ms --timeout=5s --retries=50 CMD test -f /tmp/ok'
mkdir -p health && cd health
cat >compose.yaml <<'EOF'
services:
  slow:
    image: ctr-health:1
    init: true
    command: ["sh", "-c", "sleep 1; touch /tmp/ok; exec sleep 1000"]
EOF
"$MYBUILD" compose up -d --wait >"$E2E_WORK/up.out" 2>&1 || { cat "$E2E_WORK/up.out"; fail "up --wait"; }
grep -q " Container health-slow-1  Healthy" "$E2E_WORK/up.out" || fail "up --wait reports the container healthy: $(cat "$E2E_WORK/up.out")"
pass "up --wait waits for the image's HEALTHCHECK"
assert_contains "$("$MYBUILD" compose ps)" "(healthy)" "compose ps shows the health"
"$MYBUILD" compose down >/dev/null 2>&1 || fail "down"

cat >compose.yaml <<'EOF'
services:
  bad:
    image: ctr-base:latest
    init: true
    command: ["sleep", "1000"]
    healthcheck: {test: ["CMD", "false"], interval: 100ms, retries: 2}
  dependent:
    image: ctr-base:latest
    command: ["sleep", "1000"]
    depends_on:
      bad: {condition: service_healthy}
EOF
status=0
"$MYBUILD" compose up -d >"$E2E_WORK/up.out" 2>&1 || status=$?
assert_eq 1 "$status" "an unhealthy dependency fails up"
assert_contains "$(cat "$E2E_WORK/up.out")" "dependency failed to start: container health-bad-1 is unhealthy" "the error names the unhealthy container"
assert_eq "health-bad-1" "$("$MYBUILD" compose ps -a | awk 'NR > 1 {print $1}' | xargs)" "the dependent was not started"
assert_contains "$("$MYBUILD" compose ps)" "(unhealthy)" "compose ps shows it unhealthy"
"$MYBUILD" compose down >/dev/null 2>&1 || fail "down"
assert_no_leaks "health checks"

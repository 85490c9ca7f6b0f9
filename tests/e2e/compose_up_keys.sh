#!/usr/bin/env bash
# The service keys compose up applies, seen from inside the container: entrypoint + command,
# environment over env_file, working_dir, user, hostname, extra_hosts, read_only, tmpfs (long syntax
# and `tmpfs:`), a long-syntax bind, stop_signal (the signal the container gets from down), profiles,
# and a service_completed_successfully dependency.
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/containers.bash"
container_test_setup
mkdir -p keys/shared && cd keys
printf 'FROM_FILE=file\nBOTH=file\n' >vars.env
echo from-the-host >shared/note
cat >compose.yaml <<'EOF'
services:
  setup:
    image: ctr-base:latest
    command: ["sh", "-c", "echo setup ran >/shared/setup"]
    volumes:
      - {type: bind, source: ./shared, target: /shared}
  probe:
    image: ctr-base:latest
    depends_on:
      setup: {condition: service_completed_successfully}
    entrypoint: ["sh", "-c"]
    command:
      - |
        echo "args=$$0"
        echo "env=$$FROM_FILE,$$BOTH,$$ONLY"
        echo "pwd=$$(pwd) uid=$$(id -u):$$(id -g) host=$$(hostname)"
        echo "gw=$$(grep -w gateway.example /etc/hosts | cut -f1)"
        touch /rootfs-write 2>/dev/null && echo rw=yes || echo rw=no
        touch /scratch/x /cache/y && echo tmpfs=yes
        echo "setup=$$(cat /shared/setup) note=$$(cat /shared/note)"
        trap 'echo got-usr1 >/shared/stopped; exit 0' USR1
        echo ready
        while :; do sleep 0.1; done
      - the-zeroth-arg
    env_file: vars.env
    environment: {BOTH: environment, ONLY: here}
    working_dir: /tmp
    user: "1000:50"
    hostname: probe-host
    extra_hosts: ["gateway.example=192.0.2.1"]
    read_only: true
    tmpfs: [/cache]
    stop_signal: SIGUSR1
    volumes:
      - {type: tmpfs, target: /scratch}
      - {type: bind, source: ./shared, target: /shared}
  extra:
    image: ctr-base:latest
    profiles: [debug]
    command: ["sleep", "1000"]
EOF
chmod 777 shared
"$MYBUILD" compose up -d >"$E2E_WORK/up.out" 2>&1 || { cat "$E2E_WORK/up.out"; fail "compose up -d"; }
wait_until "the probe is ready" sh -c "\"$MYBUILD\" compose logs probe | grep -q ready"
logs=$("$MYBUILD" compose logs probe)
assert_contains "$logs" "args=the-zeroth-arg" "entrypoint [sh, -c] + command"
assert_contains "$logs" "env=file,environment,here" "environment over env_file"
assert_contains "$logs" "pwd=/tmp uid=1000:50 host=probe-host" "working_dir, user, hostname"
assert_contains "$logs" "gw=192.0.2.1" "extra_hosts"
assert_contains "$logs" "rw=no" "read_only"
assert_contains "$logs" "tmpfs=yes" "tmpfs (long syntax and tmpfs:)"
assert_contains "$logs" "setup=setup ran note=from-the-host" "service_completed_successfully waits for setup; long-syntax binds"
assert_eq "keys-probe-1 keys-setup-1" "$("$MYBUILD" compose ps -a | awk 'NR > 1 {print $1}' | xargs)" "a service of a disabled profile is not started"
"$MYBUILD" compose down >/dev/null 2>&1 || fail "compose down"
assert_eq "got-usr1" "$(cat shared/stopped)" "down stops with the service's stop_signal"
assert_no_leaks "compose down"

# Helpers for the container end-to-end tests (tests/e2e/container_*.sh). Source after common.bash.

# build_image NAME:TAG DOCKERFILE_TEXT: builds an image from a Dockerfile given as text (FROM the
# imported busybox image ctr-base:latest) and tags it NAME:TAG.
build_image() {
  local tag=$1 text=$2 ctx
  ctx=$(mktemp -d "$E2E_WORK/ctx.XXXXXX")
  printf '%s\n' "$text" >"$ctx/Dockerfile"
  "$MYBUILD" build -q -t "$tag" "$ctx" >/dev/null 2>"$ctx/build.log" || { cat "$ctx/build.log" >&2; fail "building $tag"; }
}

# assert_no_leaks WHAT [TOKEN]: no mount under the state root is left in /proc/self/mountinfo and, when
# TOKEN is given, no process whose command line contains it is alive.
assert_no_leaks() {
  local what=$1 token=${2:-} mounted
  mounted=$(mounts_under "$MYBUILD_ROOT")
  [ -z "$mounted" ] || fail "$what: mounts left under the root: $mounted"
  if [ -n "$token" ] && pgrep -f "$token" >/dev/null; then fail "$what: a process of the container survives"; fi
  pass "$what: nothing left mounted or running"
}

# run_status ARGS…: runs `mybuild run ARGS…` with stdout in $E2E_WORK/out and stderr in $E2E_WORK/err;
# prints its exit status.
run_status() {
  local status=0
  "$MYBUILD" run "$@" >"$E2E_WORK/out" 2>"$E2E_WORK/err" </dev/null || status=$?
  echo "$status"
}

# wait_for FILE TEXT: waits (at most 30 s) until FILE contains TEXT.
wait_for() {
  local i
  for i in $(seq 300); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  fail "timed out waiting for [$2] in $1: $(cat "$1")"
}

# wait_until WHAT COMMAND…: retries COMMAND (at most 30 s) until it succeeds.
wait_until() {
  local what=$1 i
  shift
  for i in $(seq 300); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  fail "timed out waiting until $what"
}

# stop_test_processes: kills what a test that failed half-way left running under its root: every
# container (its monitor ends it) and every compose network's holder, by the PIDs they recorded.
stop_test_processes() {
  local file
  for file in "$MYBUILD_ROOT"/containers/*/state.json; do
    [ -f "$file" ] && "$MYBUILD" rm -f "$(basename "$(dirname "$file")")" >/dev/null 2>&1 || true
  done
  for file in "$MYBUILD_ROOT"/networks/*/holder.pid; do
    [ -f "$file" ] && kill "$(cat "$file")" 2>/dev/null || true
  done
}

# container_test_setup: the set-up of a container test: root, busybox-static, the working directory
# $E2E_WORK and the busybox base image ctr-base:latest imported; on exit (a failure too) nothing of the
# test stays running.
container_test_setup() {
  trap 'stop_test_processes; cleanup_e2e' EXIT
  require_root
  [ -x /bin/busybox ] || skip "busybox-static is not installed"
  cd "$E2E_WORK"
  import_busybox ctr-base:latest
}

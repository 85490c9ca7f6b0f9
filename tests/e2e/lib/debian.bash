# Helpers for the tests on a real Debian base. Source after common.bash (and run.bash).
# The rootfs is made once by scripts/debian_rootfs.bash under $MYBUILD_BUILD_DIR/debootstrap-cache and
# shared by every test and the benchmarks; ctest runs "e2e: real_debian_base" first (FIXTURES_SETUP), so
# that with -j2 one debootstrap runs while the other tests wait for it.
source "$(dirname "$MYBUILD_E2E_LIB")/../../../scripts/debian_rootfs.bash"

debian_mirror() { echo "${MYBUILD_DEBIAN_MIRROR:-http://deb.debian.org/debian}"; }

# debian_suite_rootfs SUITE: sets DEBIAN_ROOTFS to the cached rootfs of SUITE (bookworm, trixie), making
# it on the first call; skips when the mirror cannot be reached.
debian_suite_rootfs() {
  : "${MYBUILD_BUILD_DIR:?}"
  local code=0
  DEBIAN_ROOTFS=$(debian_rootfs "$MYBUILD_BUILD_DIR/debootstrap-cache" "$1" 2>"$E2E_WORK/debootstrap.err") || code=$?
  case $code in
    0) ;;
    2) skip "the Debian archive cannot be reached: $(tail -n 1 "$E2E_WORK/debootstrap.err")" ;;
    *) cat "$E2E_WORK/debootstrap.err" >&2; fail "making the Debian $1 rootfs" ;;
  esac
}

# url_reachable URL: true when an HTTP(S) GET of URL answers within 20 s.
url_reachable() {
  require_tool curl
  curl -fsS -o /dev/null --max-time 20 "$1" 2>/dev/null
}

# require_debian_archive: skips unless RUN steps can reach the Debian archive (apt-get update).
require_debian_archive() {
  url_reachable "$(debian_mirror)/dists/bookworm/Release" ||
    skip "the Debian archive ($(debian_mirror)) cannot be reached from this machine"
}

# require_npm_registry: skips unless RUN steps can reach the npm registry.
require_npm_registry() {
  url_reachable "https://registry.npmjs.org/ms" || skip "the npm registry (registry.npmjs.org) cannot be reached"
}

# import_debian_suite SUITE [TAG]: the cached rootfs of SUITE imported into this test's store as
# debian:SUITE (or TAG).
import_debian_suite() {
  debian_suite_rootfs "$1"
  "$MYBUILD" import "$DEBIAN_ROOTFS" "${2:-debian:$1}" >/dev/null || fail "mybuild import of $DEBIAN_ROOTFS"
}
import_debian_bookworm() { import_debian_suite bookworm "$@"; }

# steps_ran LOG: the instructions of the steps that ran (not CACHED) in a plain-progress LOG, one a line,
# in the order of their numbers, without the "[stage i/n]" prefix.
steps_ran() {
  awk '
    /^#[0-9]+ \[[^]]*\] / { n = substr($1, 2); line = $0; sub(/^#[0-9]+ \[[^]]*\] /, "", line); if (!(n in name)) { name[n] = line; order[++count] = n } }
    /^#[0-9]+ CACHED$/ { cached[substr($1, 2)] = 1 }
    END { for (i = 1; i <= count; i++) if (!(order[i] in cached)) print name[order[i]] }
  ' "$1"
}

# runc_run BUNDLE [ARG…]: runs the bundle's process (or ARG… instead of its args) under runc without a
# terminal and sets RUNC_OUTPUT to its stdout (its stderr goes to $E2E_WORK/runc.err); skips when runc cannot run
# containers on this host.
runc_run() {
  local bundle=$1
  shift
  require_tool runc
  local filter='.process.terminal = false' args='[]'
  if [ $# -gt 0 ]; then
    args=$(printf '%s\n' "$@" | jq -R . | jq -cs .)
    filter+=' | .process.args = $args'
  fi
  jq --argjson args "$args" "$filter" "$bundle/config.json" >"$bundle/config.json.new" &&
    mv "$bundle/config.json.new" "$bundle/config.json"
  local container="mybuild-e2e-$$-$RANDOM" code=0
  RUNC_OUTPUT=$(cd "$bundle" && runc --root "$E2E_WORK/runc-root" run "$container" </dev/null 2>"$E2E_WORK/runc.err") || code=$?
  runc --root "$E2E_WORK/runc-root" delete -f "$container" >/dev/null 2>&1 || true
  if [ "$code" -ne 0 ]; then
    local err
    err=$(cat "$E2E_WORK/runc.err")
    case "$err" in  # runc needs cgroups and mount rights that some sandboxes (nested containers) do not give
      *cgroup*|*"operation not permitted"*|*"permission denied"*|*"read-only file system"*)
        skip "runc cannot run containers here: $(tail -n 1 <<<"$err")" ;;
    esac
    fail "runc run of $bundle exited $code: $RUNC_OUTPUT $err"
  fi
}

#!/usr/bin/env bash
# The image built with RUN steps runs: `umoci unpack` + `runc run` prints what its CMD should.
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/run.bash"
require_root
require_tool runc
require_tool umoci
cd "$E2E_WORK"
import_busybox run-base:latest

build_oci runnable "$MYBUILD_TESTDATA/run/runnable" >/dev/null
bundle=$(unpack runnable)
jq '.process.terminal = false' "$bundle/config.json" >config.json && mv config.json "$bundle/config.json"
assert_eq '["/app/run.sh"]' "$(jq -c .process.args "$bundle/config.json")" "umoci turns CMD into the process args"

runc_root="$E2E_WORK/runc-root"
container="mybuild-e2e-$$"
output=$(cd "$bundle" && runc --root "$runc_root" run "$container" </dev/null 2>"$E2E_WORK/runc.err") || {
  err=$(cat "$E2E_WORK/runc.err")
  runc --root "$runc_root" delete -f "$container" >/dev/null 2>&1 || true
  # runc needs cgroups and mount rights that some sandboxes (nested containers) do not give.
  case "$err" in
    *cgroup*|*"operation not permitted"*|*"permission denied"*|*"read-only file system"*)
      skip "runc cannot run containers here: $(tail -n 1 <<<"$err")" ;;
  esac
  fail "runc run: $err"
}
runc --root "$runc_root" delete -f "$container" >/dev/null 2>&1 || true
assert_eq "hello from 1000 in /app: built by RUN" "$output" "the container prints what its CMD should"

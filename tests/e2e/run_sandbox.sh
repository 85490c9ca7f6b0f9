#!/usr/bin/env bash
# The sandbox of a RUN step: --network=none, PID 1 reaps orphans, docker's capability bounding set, no
# file descriptors beyond 0-2.
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/run.bash"
require_root
cd "$E2E_WORK"
import_busybox run-base:latest

build_oci sandbox "$MYBUILD_TESTDATA/run/sandbox" >/dev/null
out=$(unpack sandbox)/rootfs/out
assert_eq "lo" "$(cat "$out/net-none")" "RUN --network=none has only the lo interface"
host_interfaces=$(awk -F: 'NR > 2 { gsub(/ /, "", $1); print $1 }' /proc/net/dev | sort)
assert_eq "$host_interfaces" "$(cat "$out/net-default")" "RUN without --network sees the host's interfaces"
[ "$(cat "$out/shell-pid")" != 1 ] || fail "the command is not PID 1"
pass "the command is not PID 1 (it is $(cat "$out/shell-pid"))"
assert_eq "1" "$(cat "$out/orphan-ppid")" "an orphan is re-parented to PID 1"
assert_eq "reaped" "$(cat "$out/orphan-state")" "PID 1 reaps the orphan when it exits"
assert_eq "00000000a80425fb" "$(cat "$out/capbnd-root")" "CapBnd of root is docker's default set"
assert_eq "00000000a80425fb" "$(cat "$out/capbnd-user")" "CapBnd of another user is docker's default set"
assert_eq "0000000000000000" "$(cat "$out/capeff-user")" "a non-root user has no effective capabilities"
assert_eq "0 1 2 " "$(cat "$out/fds")" "a process of the step has only fds 0, 1 and 2"
assert_eq "" "$(cat "$out/shell-fds")" "the step's shell has no fd above 2"

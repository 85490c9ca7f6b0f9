#!/usr/bin/env bash
# `build --network none|host|default` reaches every RUN that does not set --network itself (as in BuildKit,
# a RUN's --network=default means the build's); a RUN's own --network=none|host overrides it (mybuild runs
# as the user who already has the host's network, so RUN --network=host needs no entitlement). The build's
# network is part of those steps' cache keys: switching it runs them again; a bad value is a usage error.
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/run.bash"
require_root
cd "$E2E_WORK"
import_busybox run-base:latest
ctx="$MYBUILD_TESTDATA/run/network"
host_interfaces=$(awk -F: 'NR > 2 { gsub(/ /, "", $1); print $1 }' /proc/net/dev | sort)
[ "$host_interfaces" != "lo" ] || skip "the host has no interface but lo: nothing tells none from host"

build_oci plain "$ctx" >/dev/null
out=$(unpack plain)/rootfs/out
assert_eq "$host_interfaces" "$(cat "$out/net-unset")" "without --network a RUN sees the host's interfaces"
assert_eq "$host_interfaces" "$(cat "$out/net-default")" "RUN --network=default sees the host's interfaces"
assert_eq "lo" "$(cat "$out/net-none")" "RUN --network=none sees only lo"

build_oci none "$ctx" --network none >/dev/null
out=$(unpack none)/rootfs/out
assert_eq "lo" "$(cat "$out/net-unset")" "with --network none a RUN without --network sees only lo"
assert_eq "lo" "$(cat "$out/net-default")" "with --network none RUN --network=default sees only lo"
assert_eq "$host_interfaces" "$(cat "$out/net-host")" "RUN --network=host overrides the build's --network none"
assert_eq "lo" "$(cat "$out/net-none")" "RUN --network=none stays none"

build_oci host "$ctx" --network host >/dev/null
out=$(unpack host)/rootfs/out
assert_eq "$host_interfaces" "$(cat "$out/net-unset")" "with --network host a RUN sees the host's interfaces"
assert_eq "lo" "$(cat "$out/net-none")" "RUN --network=none overrides the build's --network host"

# The cache key: the same build with --network none again is all cached; default after none is not.
build_oci none2 "$ctx" --network none >/dev/null
[ "$(grep -cE '^#[0-9]+ CACHED$' "$E2E_WORK/none2.log")" -ge 4 ] || { cat "$E2E_WORK/none2.log" >&2; fail "a second --network none build is cached"; }
pass "a second --network none build takes its RUNs from the cache"
assert_eq "$(cat "$(unpack none)/rootfs/out/net-unset")" "$(cat "$(unpack none2)/rootfs/out/net-unset")" \
  "the cached --network none result is the none one"
build_oci plain2 "$ctx" >/dev/null
assert_eq "$host_interfaces" "$(cat "$(unpack plain2)/rootfs/out/net-unset")" \
  "a build without --network after one with --network none does not reuse the none result"

set +e
"$MYBUILD" build --network bridge "$ctx" >/dev/null 2>"$E2E_WORK/bad.log"
rc=$?
set -e
assert_eq 2 "$rc" "--network bridge is a usage error (exit 2)"
assert_contains "$(cat "$E2E_WORK/bad.log")" "bridge" "the error names the bad network mode"

# --add-host: every RUN's /etc/hosts gets the line, after localhost; it is part of the RUN's cache key
# (BuildKit's extraHosts), so another mapping runs the RUN again; a malformed value is a usage error.
hosts_ctx="$E2E_WORK/hosts-ctx"
mkdir -p "$hosts_ctx"
printf 'FROM run-base:latest\nRUN cat /etc/hosts >/hosts.txt\n' >"$hosts_ctx/Dockerfile"
build_oci added "$hosts_ctx" --add-host db.example:198.51.100.3 --add-host cache.example=198.51.100.4 >/dev/null
hosts=$(cat "$(unpack added)/rootfs/hosts.txt")
assert_contains "$hosts" "198.51.100.3	db.example" "--add-host NAME:IP is in RUN's /etc/hosts"
assert_contains "$hosts" "198.51.100.4	cache.example" "--add-host NAME=IP is in RUN's /etc/hosts"
assert_contains "$hosts" "localhost" "localhost stays"
build_oci added2 "$hosts_ctx" --add-host db.example:198.51.100.5 >/dev/null
assert_contains "$(cat "$(unpack added2)/rootfs/hosts.txt")" "198.51.100.5	db.example" \
  "another --add-host runs the RUN again (it is in the cache key)"
build_oci plain3 "$hosts_ctx" >/dev/null
if grep -q example "$(unpack plain3)/rootfs/hosts.txt"; then fail "without --add-host the RUN has no extra line"; fi
pass "without --add-host the RUN has no extra line"
set +e
"$MYBUILD" build --add-host db.example:not-an-ip "$hosts_ctx" >/dev/null 2>"$E2E_WORK/bad.log"
rc=$?
set -e
assert_eq 2 "$rc" "a malformed --add-host is a usage error (exit 2)"
assert_contains "$(cat "$E2E_WORK/bad.log")" "is not an IP address" "the error says what is wrong"

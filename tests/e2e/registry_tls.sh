#!/usr/bin/env bash
# https, the default for a registry host that is not loopback: a self-signed certificate is refused until
# MYBUILD_REGISTRY_CA_FILE names it; then push and pull work over https. The registry needs an address that
# is not loopback, so the test runs in a network namespace of its own (no route out) where 198.51.100.7
# (TEST-NET-2, documentation range) sits on its loopback device: nothing reaches the host's networks.
if [ -z "${MYBUILD_E2E_NETNS:-}" ]; then
  [ "$(id -u)" -eq 0 ] || { echo "skipped: needs root"; exit 77; }
  command -v unshare >/dev/null && command -v ip >/dev/null || { echo "skipped: needs unshare and ip"; exit 77; }
  unshare --net true 2>/dev/null || { echo "skipped: cannot create a network namespace"; exit 77; }
  exec unshare --net env MYBUILD_E2E_NETNS=1 bash "$0" "$@"
fi
ip link set lo up
ip addr add 198.51.100.7/32 dev lo
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/registry.bash"
require_tool openssl
require_tool skopeo
export SOURCE_DATE_EPOCH=1700000000
cd "$E2E_WORK"
ip=198.51.100.7
[ -z "$(ip route show default)" ] || fail "the test's namespace has no route out"

import_busybox busybox:latest
mkdir ctx
echo "over https" >ctx/hello.txt
printf 'FROM busybox\nCOPY hello.txt /hello.txt\n' >ctx/Dockerfile
"$MYBUILD" build --progress plain -t tls-app:1 ctx >/dev/null 2>build.log || { cat build.log; fail "build"; }

openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=mybuild-e2e" -addext "subjectAltName=IP:$ip" \
  -keyout "$E2E_WORK/tls.key" -out "$E2E_WORK/tls.pem" >/dev/null 2>&1 || fail "openssl req"
start_registry tls "" "$ip" "$E2E_WORK/tls.pem" "$E2E_WORK/tls.key"
"$MYBUILD" tag tls-app:1 "$REGISTRY/tls:1"
if "$MYBUILD" push "$REGISTRY/tls:1" >/dev/null 2>err.txt; then fail "push to an untrusted certificate"; fi
assert_contains "$(cat err.txt)" "https://$REGISTRY/v2/" "a host that is not loopback is reached over https"
MYBUILD_REGISTRY_CA_FILE="$E2E_WORK/tls.pem" "$MYBUILD" push -q "$REGISTRY/tls:1" >push.out || fail "push over https"
digest=$(skopeo inspect --tls-verify=false "docker://$REGISTRY/tls:1" | jq -r .Digest)
[[ "$digest" == sha256:* ]] || fail "skopeo sees the pushed image over https"
pass "pushed over https"
out=$(MYBUILD_REGISTRY_CA_FILE="$E2E_WORK/tls.pem" "$MYBUILD" --root "$E2E_WORK/root2" pull "$REGISTRY/tls:1") ||
  fail "pull over https"
assert_contains "$out" "Digest: $digest" "pulled over https"

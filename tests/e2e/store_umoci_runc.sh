#!/usr/bin/env bash
# An imported image, saved as an OCI archive, unpacks with umoci into a runtime bundle whose rootfs has
# the busybox binary, and runc runs it.
source "$MYBUILD_E2E_LIB"
require_tool umoci
require_tool jq
cd "$E2E_WORK"
export SOURCE_DATE_EPOCH=1700000000

make_busybox_rootfs rootfs
"$MYBUILD" import rootfs busybox:runc >/dev/null
"$MYBUILD" save --format oci busybox:runc -o bb-oci.tar
mkdir layout
tar -C layout -xf bb-oci.tar
umoci unpack --image layout:runc bundle >/dev/null || fail "umoci unpacks the OCI layout"
pass "umoci unpacks the image"
[ -f bundle/rootfs/bin/busybox ] && [ -x bundle/rootfs/bin/busybox ] || fail "bundle/rootfs/bin/busybox is an executable file"
pass "bin/busybox is an executable file"
assert_eq busybox "$(readlink bundle/rootfs/bin/sh)" "bin/sh is a symlink to busybox"
assert_eq 1777 "$(stat -c %a bundle/rootfs/tmp)" "tmp keeps its sticky mode"
assert_eq 1000:1000 "$(stat -c %u:%g bundle/rootfs/home/user)" "home/user keeps its owner"
cmp /bin/busybox bundle/rootfs/bin/busybox || fail "busybox content"
pass "busybox content is intact"

# runc: first a probe bundle made straight from the rootfs directory, so that a host where runc cannot
# run containers is a skip, and a failure on the image's bundle is a real failure.
require_tool runc
set_args() {  # set_args BUNDLE: the process runs /bin/echo hello without a terminal
  jq '.process.args = ["/bin/echo", "hello"] | .process.terminal = false' "$1/config.json" >"$1/config.json.new"
  mv "$1/config.json.new" "$1/config.json"
}
mkdir -p probe
cp -a rootfs probe/rootfs
(cd probe && runc spec)
set_args probe
jq '.root.path = "rootfs"' probe/config.json >probe/c && mv probe/c probe/config.json
set +e
probe_out=$(runc --root "$E2E_WORK/runc-state" run -b probe "mybuild-e2e-probe-$$" 2>&1 </dev/null)
set -e
[ "$probe_out" = hello ] || skip "runc cannot run containers here: ${probe_out:0:200}"

set_args bundle
set +e
out=$(runc --root "$E2E_WORK/runc-state" run -b bundle "mybuild-e2e-$$" 2>&1 </dev/null)
code=$?
set -e
assert_eq 0 "$code" "runc runs the image's bundle"
assert_eq hello "$out" "the container prints hello"

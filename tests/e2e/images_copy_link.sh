#!/usr/bin/env bash
# COPY --link (issue 11): the layer is made on an empty filesystem, so it does not depend on the base.
# Built on two different bases, the --link layer is the very same blob (its directories' mtimes are the
# build's time, no SOURCE_DATE_EPOCH here: equal bytes mean the layer was reused, not made again), while
# the step itself still runs for the new base (its result is the new base's layers plus that one).
# --no-cache makes it again (a new blob). A plain COPY on the same bases is made twice.
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/images.bash"
require_root
require_tool jq
unset SOURCE_DATE_EPOCH
cd "$E2E_WORK"
import_busybox base-a:latest
mkdir -p base-b-rootfs && cp -a "$E2E_WORK/busybox-rootfs/." base-b-rootfs/ && echo b >base-b-rootfs/b-only
"$MYBUILD" import base-b-rootfs base-b:latest >/dev/null

mkdir -p ctx/data
head -c 100000 /dev/urandom >ctx/data/blob
printf 'ARG BASE\nFROM $BASE\nCOPY --link data /data/\n' >ctx/Dockerfile

# layers_of TAR: the manifest's layer digests, one a line.
layers_of() {
  local digest
  digest=$(tar -xOf "$1" index.json | jq -r '.manifests[0].digest')
  tar -xOf "$1" "blobs/sha256/${digest#sha256:}" | jq -r '.layers[].digest'
}

mb_build --build-arg BASE=base-a:latest -o type=oci,dest=a.tar ctx
sleep 1  # a layer made again would differ in its directory mtimes
mb_build --build-arg BASE=base-b:latest -o type=oci,dest=b.tar ctx
summary=$(build_summary_in "$E2E_WORK/last-build.log")
assert_contains "$summary" "2 ran" "the new base and the COPY --link step on it run"
link_a=$(layers_of a.tar | tail -n 1)
link_b=$(layers_of b.tar | tail -n 1)
assert_eq "$link_a" "$link_b" "the COPY --link layer is the same blob on either base"
assert_eq 2 "$(layers_of b.tar | wc -l)" "base-b's layer and the --link layer"
[ "$(layers_of a.tar | head -n 1)" != "$(layers_of b.tar | head -n 1)" ] || fail "the bases differ"
mb_build --build-arg BASE=base-b:latest -o type=local,dest=fs-b ctx
[ -f fs-b/b-only ] && cmp -s fs-b/data/blob ctx/data/blob || fail "the image has base-b's files and the copied data"
pass "the image is base-b plus the copied data"

mb_build --no-cache --build-arg BASE=base-b:latest -o type=oci,dest=fresh.tar ctx
[ "$(layers_of fresh.tar | tail -n 1)" != "$link_a" ] || fail "--no-cache reused the --link layer"
pass "--no-cache makes the --link layer again"

# Without --link the layer belongs to its base: made again for the other one.
printf 'ARG BASE\nFROM $BASE\nCOPY data /data/\n' >ctx/Dockerfile
mb_build --build-arg BASE=base-a:latest -o type=oci,dest=plain-a.tar ctx
sleep 1
mb_build --build-arg BASE=base-b:latest -o type=oci,dest=plain-b.tar ctx
[ "$(layers_of plain-a.tar | tail -n 1)" != "$(layers_of plain-b.tar | tail -n 1)" ] ||
  fail "a plain COPY layer was reused across bases"
pass "a plain COPY is made again on another base"

#!/usr/bin/env bash
# Overlay and native snapshotters give the same layers for the same Dockerfile; a base image's layers are
# unpacked once and shared between stages; a chain of 110 RUN steps builds (overlay's lowerdir option
# outgrows the mount data page).
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/run.bash"
require_root
cd "$E2E_WORK"
export SOURCE_DATE_EPOCH=1700000000
make_busybox_rootfs "$E2E_WORK/busybox-rootfs"

# Each snapshotter in its own root, so that neither build is served from the other's cache.
for snapshotter in overlay native; do
  export MYBUILD_ROOT="$E2E_WORK/root-$snapshotter"
  import_busybox run-base:latest
  for case in filesystem user shared-base; do
    build_oci "$case-$snapshotter" "$MYBUILD_TESTDATA/run/$case" --snapshotter "$snapshotter" >"$case-$snapshotter.digest"
  done
  assert_root_clean "the $snapshotter builds leave the root clean"
done
for case in filesystem user shared-base; do
  overlay=$(cat "$case-overlay.digest")
  [[ "$overlay" =~ ^sha256:[0-9a-f]{64}$ ]] || fail "the build prints the manifest digest, got [$overlay]"
  assert_eq "$overlay" "$(cat "$case-native.digest")" "$case: overlay and native give the same manifest digest"
done

# The shared base: one layer-<chainID> snapshot although two stages start from it.
for snapshotter in overlay native; do
  metadata="$E2E_WORK/root-$snapshotter/snapshots/$snapshotter/metadata.json"
  # (Other layer-<chainID> snapshots sit on a step: a streamed COPY unpacked for the RUN after it.)
  layers=$(jq -r '.snapshots | to_entries[] | select((.key | startswith("layer-")) and .value.parent == "") | .key' \
    "$metadata")
  assert_eq 1 "$(grep -c . <<<"$layers")" "$snapshotter: the base layer is unpacked into one snapshot"
done
rootfs=$(unpack shared-base-overlay)/rootfs
assert_eq "$(printf 'first\nsecond')" "$(cat "$rootfs/both")" "both stages' results meet in the last one"

# A deep chain: 110 RUN steps, each a layer.
export MYBUILD_ROOT="$E2E_WORK/root-overlay"
mkdir deep
{
  echo "FROM run-base:latest"
  for i in $(seq 1 110); do echo "RUN echo $i >/step-$i"; done
  echo 'RUN ls / | grep -c "^step-" >/count && cat /step-1 /step-55 /step-110 | tr "\n" " " >/some'
} >deep/Dockerfile
build_oci deep deep --snapshotter overlay >/dev/null
assert_eq 112 "$(manifest_of deep | jq '.layers | length')" "110 RUN steps make 110 layers over the base (and one more)"
rootfs=$(unpack deep)/rootfs
assert_eq 110 "$(cat "$rootfs/count")" "the last step sees the files of all 110 steps below it"
assert_eq "1 55 110 " "$(cat "$rootfs/some")" "the contents of the deepest and shallowest layers"
assert_root_clean "the deep build leaves the root clean"
lowerdir_length=$(jq -r '.snapshots[].id' "$MYBUILD_ROOT/snapshots/overlay/metadata.json" |
  awk -v r="$MYBUILD_ROOT/snapshots/overlay/snapshots/" '{ n += length(r $1 "/fs") + 1 } END { print n }')
[ "$lowerdir_length" -gt 4096 ] || fail "the deep chain's lowerdir ($lowerdir_length bytes) outgrows a page"
pass "the deep chain's lowerdir option would be $lowerdir_length bytes, more than a page of mount data"

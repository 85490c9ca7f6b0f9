#!/usr/bin/env bash
# `mybuild import` and `mybuild load` store images unpacked: every layer stack of the image has its
# committed snapshot "layer-<chainID hex>" in the root's snapshotter (the one a build with the same
# --snapshotter uses), so a later build finds the base filesystem and does not unpack it. Concurrent
# imports share one snapshot; an import or load that cannot unpack fails and tags nothing.
source "$MYBUILD_E2E_LIB"
require_root
require_tool jq
cd "$E2E_WORK"
export SOURCE_DATE_EPOCH=1700000000

# layer_snapshots ROOT KIND: "name kind parent" of every layer snapshot in ROOT's KIND snapshotter, sorted.
layer_snapshots() {
  local metadata="$1/snapshots/$2/metadata.json"
  [ -f "$metadata" ] || return 0
  jq -r '.snapshots | to_entries[] | select(.key | startswith("layer-")) | "\(.key) \(.value.kind) \(.value.parent)"' \
    "$metadata" | sort
}
# snapshotter_kind ROOT: the one snapshotter that ROOT has (overlay, or native where overlayfs is unusable).
snapshotter_kind() { ls "$1/snapshots" 2>/dev/null || fail "$1 has no snapshots: nothing was unpacked"; }
# diff_ids NAME: the image's diffIDs, one per line (MYBUILD_ROOT chooses the root).
diff_ids() { "$MYBUILD" inspect "$1" | jq -r '.[0].RootFS.Layers[]'; }
# chain_id PARENT_CHAIN DIFF_ID: the OCI chain ID of a layer on top of PARENT_CHAIN ("" for none).
chain_id() {
  if [ -z "$1" ]; then echo "$2"; return; fi
  echo "sha256:$(printf '%s %s' "$1" "$2" | sha256sum | cut -d' ' -f1)"
}
# expected_layer_snapshots NAME: the layer snapshots the image's chain needs, as layer_snapshots prints them.
expected_layer_snapshots() {
  local chain="" parent="" diff_id
  for diff_id in $(diff_ids "$1"); do
    chain=$(chain_id "$chain" "$diff_id")
    echo "layer-${chain#sha256:} committed $parent"
    parent="layer-${chain#sha256:}"
  done | sort
}
assert_no_scratch_left() {  # assert_no_scratch_left ROOT WHAT
  [ -z "$(ls -A "$1/tmp" 2>/dev/null)" ] || fail "$2: ROOT/tmp is not empty: $(ls -A "$1/tmp")"
  [ -z "$(mounts_under "$1")" ] || fail "$2: mounts left under the root: $(mounts_under "$1")"
  pass "$2: no scratch directory or mount left"
}
assert_no_active_snapshots() {  # assert_no_active_snapshots ROOT KIND WHAT
  assert_eq 0 "$(jq '[.snapshots[] | select(.kind != "committed")] | length' "$1/snapshots/$2/metadata.json")" \
    "$3: no active snapshot left"
}

make_busybox_rootfs rootfs
printf 'imported\n' >rootfs/hello

# import: the one layer's snapshot exists, holds the tree, and nothing else is left behind.
"$MYBUILD" import rootfs bb:1 >/dev/null
kind=$(snapshotter_kind "$MYBUILD_ROOT")
expected=$(expected_layer_snapshots bb:1)
assert_eq 1 "$(wc -l <<<"$expected")" "the imported image has one layer"
assert_eq "$expected" "$(layer_snapshots "$MYBUILD_ROOT" "$kind")" "import commits the snapshot of its layer's chain"
assert_no_scratch_left "$MYBUILD_ROOT" "import"
assert_no_active_snapshots "$MYBUILD_ROOT" "$kind" "import"
snapshot_id=$(jq -r --arg name "$(cut -d' ' -f1 <<<"$expected")" '.snapshots[$name].id' \
  "$MYBUILD_ROOT/snapshots/$kind/metadata.json")
assert_eq imported "$(cat "$MYBUILD_ROOT/snapshots/$kind/snapshots/$snapshot_id/fs/hello")" \
  "the snapshot holds the imported files"

# A build from the image uses that snapshot as it is: no new layer snapshot, the same one underneath.
mkdir ctx
printf 'FROM bb:1\nRUN cat /hello >/copied\n' >ctx/Dockerfile
"$MYBUILD" build --progress plain -t app:1 ctx >/dev/null 2>build.log || { cat build.log >&2; fail "the build fails"; }
assert_eq "$expected" "$(layer_snapshots "$MYBUILD_ROOT" "$kind")" "the build makes no other layer snapshot"
assert_eq "$snapshot_id" "$(jq -r --arg name "$(cut -d' ' -f1 <<<"$expected")" '.snapshots[$name].id' \
  "$MYBUILD_ROOT/snapshots/$kind/metadata.json")" "the build reuses the snapshot import made"

# Importing the same tree again keeps the snapshot.
"$MYBUILD" import rootfs bb:again >/dev/null
assert_eq "$expected" "$(layer_snapshots "$MYBUILD_ROOT" "$kind")" "a second import reuses the snapshot"

# --snapshotter native unpacks into the native snapshotter, as `build --snapshotter native` reads.
MYBUILD_ROOT="$E2E_WORK/root-native" "$MYBUILD" import --snapshotter native rootfs bb:1 >/dev/null
assert_eq "$expected" "$(layer_snapshots "$E2E_WORK/root-native" native)" "import --snapshotter native"

# Concurrent imports of one tree into a fresh root: all succeed, one snapshot, nothing half made.
pids=()
for i in 1 2 3; do
  MYBUILD_ROOT="$E2E_WORK/root-concurrent" "$MYBUILD" import rootfs "bb:c$i" >"concurrent-$i.out" 2>&1 &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid" || fail "a concurrent import fails: $(cat concurrent-*.out)"; done
pass "three concurrent imports succeed"
concurrent_kind=$(snapshotter_kind "$E2E_WORK/root-concurrent")
assert_eq "$expected" "$(layer_snapshots "$E2E_WORK/root-concurrent" "$concurrent_kind")" \
  "concurrent imports leave one snapshot for the chain"
assert_no_active_snapshots "$E2E_WORK/root-concurrent" "$concurrent_kind" "concurrent imports"
assert_no_scratch_left "$E2E_WORK/root-concurrent" "concurrent imports"

# load: every layer stack of a two-layer image, in a docker and in an OCI archive, into fresh roots.
"$MYBUILD" save app:1 -o app-docker.tar
"$MYBUILD" save --format oci app:1 -o app-oci.tar
expected_app=$(expected_layer_snapshots app:1)
assert_eq 2 "$(wc -l <<<"$expected_app")" "the built image has two layers"
for format in docker oci; do
  root="$E2E_WORK/root-load-$format"
  MYBUILD_ROOT="$root" "$MYBUILD" load -q -i "app-$format.tar"
  assert_eq "$expected_app" "$(layer_snapshots "$root" "$(snapshotter_kind "$root")")" \
    "load of the $format archive commits both chain snapshots, each on its parent"
  assert_no_scratch_left "$root" "load of the $format archive"
done

# A build after load finds the base unpacked.
root="$E2E_WORK/root-load-oci"
printf 'FROM app:1\nRUN cat /copied\n' >ctx/Dockerfile
MYBUILD_ROOT="$root" "$MYBUILD" build --progress plain ctx >/dev/null 2>build.log ||
  { cat build.log >&2; fail "the build after load fails"; }
assert_eq "$expected_app" "$(layer_snapshots "$root" "$(snapshotter_kind "$root")")" \
  "the build after load makes no other layer snapshot"

# When the snapshotter cannot be used, import and load fail, say why, and tag nothing.
broken="$E2E_WORK/root-broken"
mkdir -p "$broken"
touch "$broken/snapshots"  # a file where the snapshotters' directory belongs
set +e
err=$(MYBUILD_ROOT="$broken" "$MYBUILD" import rootfs bb:broken 2>&1); code=$?
set -e
assert_eq 1 "$code" "import exits 1 when it cannot unpack"
assert_contains "$err" "unpacking the image for builds" "the import error says what failed"
assert_contains "$err" "$broken/snapshots" "the import error names the snapshots directory"
assert_eq "" "$(MYBUILD_ROOT="$broken" "$MYBUILD" images -q)" "a failed import tags nothing"
set +e
err=$(MYBUILD_ROOT="$broken" "$MYBUILD" load -i app-oci.tar 2>&1); code=$?
set -e
assert_eq 1 "$code" "load exits 1 when it cannot unpack"
assert_contains "$err" "load: unpacking the images for builds" "the load error says what failed"
assert_eq "" "$(MYBUILD_ROOT="$broken" "$MYBUILD" images -q)" "a failed load tags nothing"

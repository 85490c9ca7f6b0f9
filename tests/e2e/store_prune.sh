#!/usr/bin/env bash
# `mybuild prune`: after rmi, the image's own blobs go and the other image still exports the same bytes
# with an all-cached rebuild; --dry-run removes nothing; --all drops the build cache (a rebuild runs again
# and, with SOURCE_DATE_EPOCH, gives the same digest); a prune started beside a running build waits for it.
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/solver.bash"
source "$(dirname "$MYBUILD_E2E_LIB")/run.bash"
cd "$E2E_WORK"
export SOURCE_DATE_EPOCH=1700000000
import_busybox base:latest

count_blobs() { find "$MYBUILD_ROOT/blobs/sha256" -type f | wc -l; }
count_snapshots() {
  local n=0 metadata
  for metadata in "$MYBUILD_ROOT"/snapshots/*/metadata.json; do
    [ -f "$metadata" ] && n=$((n + $(jq '.snapshots | length' "$metadata")))
  done
  echo "$n"
}
snapshot_names() { jq -r '.snapshots | keys[]' "$MYBUILD_ROOT"/snapshots/*/metadata.json | sort; }
count_snapshot_dirs() { find "$MYBUILD_ROOT"/snapshots/*/snapshots -mindepth 1 -maxdepth 1 | wc -l; }
has_blob() { [ -f "$MYBUILD_ROOT/blobs/sha256/${1#sha256:}" ]; }
# oci_layers TAR: the layer digests of an OCI archive's image, one per line.
oci_layers() { skopeo inspect --raw "oci-archive:$1" | jq -r '.layers[].digest'; }
require_tool skopeo

mkdir -p one two three killed
printf 'FROM base:latest\nRUN echo one >/one.txt\nRUN echo more >>/one.txt\n' >one/Dockerfile
printf 'FROM base:latest\nRUN echo two >/two.txt\n' >two/Dockerfile
printf 'FROM base:latest\nRUN sleep 2 && echo three >/three.txt\n' >three/Dockerfile

one=$(build_json one.json -t one:1 --iidfile one.iid -o type=oci,dest=one.tar one) || { cat one.json >&2; fail "build one"; }
two=$(build_json two.json -t two:1 -o type=oci,dest=two.tar two) || { cat two.json >&2; fail "build two"; }
one_config=$(cat one.iid)
one_run_layers=$(oci_layers one.tar | tail -n 2)
two_run_layer=$(oci_layers two.tar | tail -n 1)

# Everything is reached: nothing to do.
blobs0=$(count_blobs)
snapshots0=$(count_snapshots)
out=$("$MYBUILD" prune)
assert_contains "$out" "Total reclaimed space: 0B" "a prune with nothing unreachable reclaims nothing"
assert_eq "$blobs0" "$(count_blobs)" "no blob went"

# rmi one: its manifest and config are reached by nothing; its layers still by the build cache.
"$MYBUILD" rmi one:1 >/dev/null
dry=$("$MYBUILD" prune --dry-run)
assert_contains "$dry" "Would delete:" "--dry-run lists what would go"
assert_contains "$dry" "blob $one" "--dry-run names the untagged manifest"
assert_contains "$dry" "Total reclaimable space: " "--dry-run totals the space"
assert_eq "$blobs0" "$(count_blobs)" "--dry-run removes no blob"
assert_eq "$snapshots0" "$(count_snapshots)" "--dry-run removes no snapshot"

out=$("$MYBUILD" prune)
assert_contains "$out" "Total reclaimed space: " "prune prints the space reclaimed"
# Three blobs: the stored manifest, the config and the manifest of its OCI export (a variant of the
# stored one, layer_variants.h); the export's gzip layers stay with the layers the cache keeps.
assert_contains "$out" "Removed: 3 blobs" "prune prints the counts"
assert_eq "$((blobs0 - 3))" "$(count_blobs)" "prune after rmi removes the image's manifests and config"
has_blob "$one" && fail "the untagged manifest $one is still there"
has_blob "$one_config" && fail "the untagged config $one_config is still there"
pass "the untagged image's own blobs are gone"
for layer in $one_run_layers; do has_blob "$layer" || fail "the cached layer $layer of one went"; done
pass "the build cache keeps one's layers"
assert_eq "$snapshots0" "$(count_snapshots)" "the build cache keeps one's snapshots"

# The other image is untouched: same export, all cached.
again=$(build_json two-again.json -t two:1 -o type=oci,dest=two-again.tar two) || fail "rebuild two"
assert_all_cached two-again.json "after prune, a rebuild of the tagged image is all cached"
assert_eq "$two" "$again" "and gives the same manifest digest"
cmp -s two.tar two-again.tar || fail "the exported archive changed"
pass "the exported archive is byte for byte the same"

# --all: only tagged images survive.
out=$("$MYBUILD" prune --all)
assert_contains "$out" "cache record" "prune --all removes cache records"
for layer in $one_run_layers; do has_blob "$layer" && fail "one's layer $layer survived prune --all"; done
pass "prune --all removes the untagged image's layers"
has_blob "$two_run_layer" || fail "two's layer went"
pass "the tagged image's layers stay"
step_snapshots=$(snapshot_names | grep -c '^step-' || true)
assert_eq 0 "$step_snapshots" "prune --all removes every build step's snapshot"
assert_eq "$(count_snapshots)" "$(count_snapshot_dirs)" "every snapshot directory left has its record"
assert_eq "0" "$(find "$MYBUILD_ROOT/ingest" -type f | wc -l)" "no ingest file is left"
"$MYBUILD" save two:1 -o two.docker.tar || fail "save of the tagged image after prune --all"
pass "the tagged image is still complete"

rebuilt=$(build_json two-rebuilt.json -t two:1 -o type=oci,dest=two-rebuilt.tar two) || { cat two-rebuilt.json >&2; fail "rebuild after prune --all"; }
assert_ran two-rebuilt.json "FROM base:latest
RUN echo two >/two.txt" "after prune --all every step runs again"
assert_eq "$two" "$rebuilt" "and gives the same manifest digest (SOURCE_DATE_EPOCH)"

# A prune started while a build runs waits for the build, which succeeds and stays usable.
build_json three.json -t three:1 three >three.digest &
build_pid=$!
for _ in $(seq 100); do
  grep -q 'sleep 2' <<<"$(steps_in running three.json 2>/dev/null)" && break
  sleep 0.1
done
grep -q 'sleep 2' <<<"$(steps_in running three.json)" || fail "the RUN of the concurrent build never started"
start=$(date +%s%N)
"$MYBUILD" prune >prune.out 2>prune.err &
prune_pid=$!
wait "$build_pid" || { cat three.json >&2; fail "the build beside a prune failed"; }
build_done=$(date +%s%N)
wait "$prune_pid" || { cat prune.err >&2; fail "the prune beside a build failed"; }
prune_done=$(date +%s%N)
assert_contains "$(cat prune.err)" "waiting for running builds" "prune says it waits for the running build"
[ "$prune_done" -ge "$build_done" ] || fail "prune finished before the build it waited for"
pass "prune finished after the build ($(( (prune_done - start) / 1000000 )) ms)"
three=$(cat three.digest)
three_again=$(build_json three-again.json -t three:1 three) || fail "rebuild three"
assert_all_cached three-again.json "the concurrent build's cache survived the prune"
assert_eq "$three" "$three_again" "and its image is the same"
"$MYBUILD" save three:1 -o three.tar || fail "save of the concurrent build's image"
pass "the concurrent build's image is usable"

# A build started while a prune holds the GC lock waits for it (flock(1) stands in for a long prune).
require_tool flock
flock -x "$MYBUILD_ROOT/gc.lock" sleep 2 &
locker=$!
sleep 0.3
start=$(date +%s%N)
"$MYBUILD" --log-level info build --progress plain -t two:1 two >/dev/null 2>waiting.log || { cat waiting.log >&2; fail "build during prune"; }
waited_ms=$(( ($(date +%s%N) - start) / 1000000 ))
wait "$locker"
assert_contains "$(cat waiting.log)" "waiting for a running prune" "a build says it waits for a running prune"
[ "$waited_ms" -ge 1000 ] || fail "the build did not wait for the prune's lock (${waited_ms} ms)"
pass "the build waited ${waited_ms} ms for the prune"

# What a killed build leaves (an active snapshot, its scratch directory with mounts) goes.
printf 'FROM base:latest\nRUN sleep 30\n' >killed/Dockerfile
"$MYBUILD" build --progress rawjson killed >/dev/null 2>killed.json &
killed_pid=$!  # mybuild itself: a simple command in the background is exec'd in the forked child
for _ in $(seq 100); do
  grep -q 'sleep 30' <<<"$(steps_in running killed.json 2>/dev/null)" && break
  sleep 0.1
done
kill -KILL "$killed_pid" 2>/dev/null || true
wait "$killed_pid" 2>/dev/null || true
active=$(jq -r '.snapshots | to_entries[] | select(.value.kind != "committed") | .key' "$MYBUILD_ROOT"/snapshots/*/metadata.json)
[ -n "$active" ] || fail "the killed build left no active snapshot (the test needs one)"
[ -n "$(find "$MYBUILD_ROOT/tmp" -mindepth 1 -maxdepth 1 -name 'build-*')" ] || fail "the killed build left no scratch directory"
out=$("$MYBUILD" prune)
echo "$out"
assert_contains "$out" "snapshot " "prune removes the killed build's snapshots"
assert_root_clean "after prune, nothing of the killed build is left"
[ -z "$(find "$MYBUILD_ROOT/tmp" -mindepth 1 -maxdepth 1 -name 'build-*')" ] || fail "a scratch directory is left"
pass "the killed build's scratch directory is gone"

# Bad flags are usage errors.
set +e
"$MYBUILD" prune --keep-duration banana >/dev/null 2>&1; code=$?
assert_eq 2 "$code" "an invalid --keep-duration is a usage error"
"$MYBUILD" prune --filter type=regular >/dev/null 2>&1; code=$?
assert_eq 2 "$code" "an unsupported --filter is a usage error"
set -e
out=$("$MYBUILD" prune --filter until=24h)
assert_contains "$out" "Total reclaimed space: " "--filter until=24h is accepted"

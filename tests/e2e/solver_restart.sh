#!/usr/bin/env bash
# Snapshots are a cache of the layer blobs: a commit does not wait for the disk, and after a restart the
# snapshots that may not have reached it are forgotten (simulated here by giving them an earlier boot id).
# The next build still finds every step CACHED by its blobs, gives the same digest, and a new RUN on top of
# the forgotten snapshots sees their files, made again from the layers.
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/solver.bash"
require_root
cd "$E2E_WORK"
export SOURCE_DATE_EPOCH=1700000000
import_busybox base:latest

mkdir -p ctx/src
printf 'main\n' >ctx/src/main.c
cat >ctx/Dockerfile <<'EOF2'
FROM base:latest
COPY src/ /src/
RUN cat /src/main.c >/out.txt && mkdir /made && echo run >/made/by-run
EOF2
"$MYBUILD" build --progress quiet -t restart:1 --metadata-file "$E2E_WORK/.build-metadata.json" ctx >/dev/null ||
  fail "cold build"
cold=$(manifest_digest_in "$E2E_WORK/.build-metadata.json")

metadata=$(ls "$MYBUILD_ROOT"/snapshots/*/metadata.json)
unsynced=$(jq '[.snapshots[] | select(.synced == false)] | length' "$metadata")
[ "$unsynced" -ge 2 ] || fail "commits do not wait for the disk: expected unsynced snapshots, got $unsynced"
pass "$unsynced committed snapshots are not synced yet"
jq '.snapshots |= map_values(if .synced == false then .boot_id = "an-earlier-boot" else . end)' "$metadata" \
  >"$metadata.new" && mv "$metadata.new" "$metadata"

events=$("$MYBUILD" build --progress rawjson -t restart:2 ctx 2>&1 >/dev/null) || fail "rebuild after the restart"
assert_eq 0 "$(jq '[.snapshots[] | select(.boot_id == "an-earlier-boot")] | length' "$metadata")" \
  "snapshots of the earlier boot are forgotten"
grep -q 'may be incomplete' <<<"$events" || fail "the build warns that it forgot snapshots"
"$MYBUILD" build --progress quiet --metadata-file "$E2E_WORK/.build-metadata.json" ctx >/dev/null
assert_eq "$cold" "$(manifest_digest_in "$E2E_WORK/.build-metadata.json")" "the rebuild gives the same manifest digest"
assert_eq "" "$(steps_in running <(printf '%s\n' "$events"))" "no step runs again: the blobs are the result"

printf 'RUN cat /made/by-run /out.txt >/both.txt\n' >>ctx/Dockerfile
"$MYBUILD" build --progress quiet -o type=local,dest=out ctx >/dev/null || fail "a RUN on top of forgotten snapshots"
assert_eq "$(printf 'run\nmain\n')" "$(cat out/both.txt)" "the new RUN sees the files of the forgotten snapshots"

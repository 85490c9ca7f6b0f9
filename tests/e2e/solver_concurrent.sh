#!/usr/bin/env bash
# Two mybuild processes building at the same time on one root both succeed, agree on the image and leave
# a root that a third build takes wholly from the cache.
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/solver.bash"
cd "$E2E_WORK"
export SOURCE_DATE_EPOCH=1700000000
import_busybox base:latest

mkdir -p ctx/src
for i in $(seq 1 50); do printf 'file %s\n' "$i" >"ctx/src/f$i"; done
cat >ctx/Dockerfile <<'EOF2'
FROM base:latest AS one
RUN echo one >/one && sleep 1
FROM base:latest
COPY src/ /src/
RUN ls /src | wc -l >/count
COPY --from=one /one /one
EOF2
cat >ctx/Other.Dockerfile <<'EOF2'
FROM base:latest
COPY src/ /src/
RUN echo other >/other
EOF2

for round in 1 2 3; do
  pids=()
  build_json "a$round.json" -t app:a ctx >"a$round.digest" & pids+=($!)
  build_json "b$round.json" -t app:b ctx >"b$round.digest" & pids+=($!)
  build_json "c$round.json" -t app:c -f ctx/Other.Dockerfile ctx >"c$round.digest" & pids+=($!)
  for pid in "${pids[@]}"; do
    wait "$pid" || { tail -n 1 "a$round.json" "b$round.json" "c$round.json" >&2; fail "round $round: a concurrent build fails"; }
  done
  assert_eq "$(cat "a$round.digest")" "$(cat "b$round.digest")" "round $round: concurrent builds of one Dockerfile agree"
  [ "$(cat "a$round.digest")" = "$(cat a1.digest)" ] || fail "round $round gives the image of round 1"
  [ "$(cat "c$round.digest")" = "$(cat c1.digest)" ] || fail "round $round gives the other image of round 1"
  # Each round starts cold again (only the base image stays), so that the builds race on every step.
  [ "$round" = 3 ] || "$MYBUILD" build --progress quiet --no-cache ctx >/dev/null
done
pass "three rounds of three concurrent builds all succeed"

build_json after.json ctx >/dev/null || fail "a build after the concurrent ones fails"
assert_all_cached after.json "a later build takes everything from the cache the concurrent builds left"
no_mounts_under "$MYBUILD_ROOT" || fail "mounts are left under the root"
pass "no mounts left under the root"
[ -z "$(ls -A "$MYBUILD_ROOT/ingest" 2>/dev/null)" ] || fail "half-written blobs are left in ingest/"
pass "no half-written blobs left"

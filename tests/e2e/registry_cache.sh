#!/usr/bin/env bash
# --cache-to / --cache-from type=registry against a real registry (Debian's docker-registry on 127.0.0.1):
# the cache pushed by one root is one OCI artifact that skopeo reads; a fresh root (a new CI machine)
# importing it by a bare reference runs nothing and gives the same image, fetching only the layers it
# needs; exporting again uploads no layer; an image that is not a cache, or a missing tag, is a warning.
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/solver.bash"
source "$(dirname "$MYBUILD_E2E_LIB")/registry.bash"
require_tool skopeo
export SOURCE_DATE_EPOCH=1700000000
start_registry cache
uploads() { grep -c 'PUT /v2/[^ ]*/blobs/uploads/' "$REGISTRY_LOG" || true; }
make_busybox_rootfs "$E2E_WORK/busybox-rootfs"
fresh_root() {
  export MYBUILD_ROOT="$E2E_WORK/$1"
  "$MYBUILD" import "$E2E_WORK/busybox-rootfs" base:latest >/dev/null
}

mkdir -p ctx
printf 'payload\n' >ctx/payload.txt
cat >ctx/Dockerfile <<'EOF2'
FROM base:latest AS gen
RUN seq 1 1000 >/numbers.txt && echo gen >/gen.txt
FROM base:latest
COPY --from=gen /numbers.txt /numbers.txt
COPY payload.txt /payload.txt
RUN wc -l /numbers.txt >/count.txt
EOF2

fresh_root first
cold=$(build_json cold.json --cache-to "type=registry,ref=$REGISTRY/app:buildcache,mode=max" ctx) ||
  { cat cold.json >&2; fail "the build with a registry --cache-to fails"; }
assert_contains "$(cat cold.json)" "cached steps to $REGISTRY/app:buildcache" "the export says where it went"
raw=$(skopeo inspect --raw --tls-verify=false "docker://$REGISTRY/app:buildcache") || fail "skopeo reads the cache artifact"
assert_eq "application/vnd.mybuild.cache.records.v1+json" "$(jq -r .config.mediaType <<<"$raw")" \
  "the registry holds the cache as an OCI artifact"

# Exporting the same cache again uploads no layer (HEAD finds them).
before=$(uploads)
build_json again.json --cache-to "type=registry,ref=$REGISTRY/app:buildcache,mode=max" ctx >/dev/null || fail "the re-export fails"
assert_eq "$before" "$(uploads)" "a second export uploads nothing"

# A fresh root, the cache named by a bare reference as buildx allows: nothing runs, the same image.
fresh_root second
warm=$(build_json warm.json --cache-from "$REGISTRY/app:buildcache" ctx) || { cat warm.json >&2; fail "the build from the registry cache fails"; }
assert_all_cached warm.json "a fresh root with the registry cache runs nothing"
assert_eq "$cold" "$warm" "the registry cache gives the same manifest digest"

# An edit in a fresh root: the steps before it come from the registry, the rest runs on fetched layers.
printf 'payload changed\n' >ctx/payload.txt
fresh_root third
build_json edit.json --cache-from "type=registry,ref=$REGISTRY/app:buildcache" ctx >/dev/null ||
  { cat edit.json >&2; fail "the edited build fails"; }
assert_ran edit.json "COPY payload.txt /payload.txt
RUN wc -l /numbers.txt >/count.txt" "an edit re-runs only the steps after it"
printf 'payload\n' >ctx/payload.txt

# Not a cache, or no such tag: a warning, and the build runs.
"$MYBUILD" build --progress quiet -t "$REGISTRY/plain:1" --push ctx >/dev/null 2>push.log || { cat push.log >&2; fail "push of a plain image"; }
fresh_root fourth
build_json plain.json --cache-from "$REGISTRY/plain:1" --cache-from "$REGISTRY/app:nothing" ctx >/dev/null ||
  fail "a --cache-from that is no cache fails the build"
assert_contains "$(cat plain.json)" "is not a mybuild cache" "an image is not taken for a cache"
assert_contains "$(cat plain.json)" "app:nothing" "a missing cache tag is a warning"
[ "$(summary_of cached plain.json)" -lt "$(summary_of total plain.json)" ] || fail "steps ran without a cache"
pass "steps ran without a cache"

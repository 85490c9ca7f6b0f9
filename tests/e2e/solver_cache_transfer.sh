#!/usr/bin/env bash
# --cache-to / --cache-from type=local: a cache exported from one root makes a build in a fresh root (a
# new CI machine) take every step from it and give the same image; mode=min carries only the built
# image's steps, mode=max the other stages' too; an edit re-runs only the steps after it; a damaged or
# missing cache is a warning, never a failed build; an unsupported cache type is refused by name.
# (Registry caches: registry_cache.sh.)
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/solver.bash"
require_tool skopeo
cd "$E2E_WORK"
export SOURCE_DATE_EPOCH=1700000000
make_busybox_rootfs "$E2E_WORK/busybox-rootfs"

# fresh_root NAME: a new state root with the base image imported, as on a new machine.
fresh_root() {
  export MYBUILD_ROOT="$E2E_WORK/$1"
  "$MYBUILD" import "$E2E_WORK/busybox-rootfs" base:latest >/dev/null
}

mkdir -p ctx/src
printf 'one\n' >ctx/src/one.c
printf 'two\n' >ctx/src/two.c
cat >ctx/Dockerfile <<'EOF2'
FROM base:latest AS tools
RUN echo tool >/tool.txt && echo more >/more.txt
FROM base:latest
COPY --from=tools /tool.txt /tool.txt
RUN echo deps >/deps.txt
COPY src/ /src/
RUN cat /src/*.c >/out.txt
EOF2

fresh_root first
cold=$(build_json cold.json --cache-to type=local,dest="$E2E_WORK/cache-min" ctx) || { cat cold.json >&2; fail "the cold build with --cache-to fails"; }
[ -f cache-min/index.json ] && [ -f cache-min/oci-layout ] || fail "--cache-to writes an OCI layout"
pass "--cache-to writes an OCI layout"
skopeo inspect --raw oci:cache-min:mybuild-cache >cache-manifest.json || fail "skopeo reads the cache layout"
assert_eq "application/vnd.mybuild.cache.records.v1+json" "$(jq -r .config.mediaType cache-manifest.json)" \
  "the cache manifest's config is the records"
build_json max.json --cache-to type=local,dest="$E2E_WORK/cache-max",mode=max ctx >/dev/null || fail "the build with mode=max fails"

# A fresh root with the mode=max cache: nothing runs, the same image.
fresh_root second
warm=$(build_json warm.json --cache-from type=local,src="$E2E_WORK/cache-max" -t warm:1 ctx) ||
  { cat warm.json >&2; fail "the build from the imported cache fails"; }
assert_all_cached warm.json "a fresh root with a mode=max cache runs nothing"
assert_eq "$cold" "$warm" "the imported cache gives the same manifest digest"
"$MYBUILD" save -o warm.tar warm:1 || fail "save the image built from the imported cache"
skopeo inspect "docker-archive:warm.tar" >/dev/null || fail "the image built from the imported cache is readable"
pass "the image built from the imported cache is readable"

# The imported steps are now the root's own: the next build needs no --cache-from.
build_json again.json ctx >/dev/null || fail "the rebuild after an import fails"
assert_all_cached again.json "imported records are recorded in the root"

# A RUN after imported steps unpacks their layers and sees their files.
printf 'one changed\n' >ctx/src/one.c
fresh_root third
edited=$(build_json edit.json --cache-from type=local,src="$E2E_WORK/cache-max" ctx) || { cat edit.json >&2; fail "the edited build fails"; }
assert_ran edit.json "COPY src/ /src/
RUN cat /src/*.c >/out.txt" "an edit re-runs only the steps after it, the rest comes from the cache"
[ "$edited" != "$cold" ] || fail "the edit changes the image"
pass "the edit changes the image"
printf 'one\n' >ctx/src/one.c

# mode=min: the built image's steps come from the cache; the other stage runs.
fresh_root fourth
min=$(build_json min.json --cache-from type=local,src="$E2E_WORK/cache-min" ctx) || fail "the build from a mode=min cache fails"
assert_eq "$cold" "$min" "a mode=min cache gives the same manifest digest"
assert_ran min.json "RUN echo tool >/tool.txt && echo more >/more.txt" "with a mode=min cache only the other stage's step runs"

# A missing or damaged cache is a warning; the build runs everything.
fresh_root fifth
build_json missing.json --cache-from type=local,src="$E2E_WORK/no-such-cache" ctx >/dev/null ||
  fail "a missing --cache-from directory fails the build"
assert_contains "$(cat missing.json)" "building without it" "a missing cache is a warning"
cp -a cache-max cache-bad
for blob in cache-bad/blobs/sha256/*; do
  [ "$(stat -c %s "$blob")" -gt 4096 ] && { chmod u+w "$blob"; printf 'x' | dd of="$blob" bs=1 seek=100 conv=notrunc 2>/dev/null; }
done
fresh_root sixth
bad=$(build_json bad.json --cache-from type=local,src="$E2E_WORK/cache-bad" ctx) || { cat bad.json >&2; fail "a damaged cache fails the build"; }
assert_eq "$cold" "$bad" "a damaged cache gives the same image, built"
[ "$(summary_of ran bad.json)" -gt 0 ] || fail "damaged layers are not taken from the cache"
pass "damaged layers are not taken from the cache"

# Unsupported cache types are refused by name, before anything runs.
if "$MYBUILD" build --cache-from type=s3,bucket=b ctx >/dev/null 2>err.txt; then fail "an s3 cache is accepted"; fi
assert_contains "$(cat err.txt)" "type=s3 is not supported" "an s3 cache source is refused"
if "$MYBUILD" build --cache-to type=inline ctx >/dev/null 2>err.txt; then fail "an inline cache is accepted"; fi
assert_contains "$(cat err.txt)" "type=inline is not supported" "an inline cache export is refused"
if "$MYBUILD" build --cache-to type=local,dest=x,mode=all ctx >/dev/null 2>err.txt; then fail "mode=all is accepted"; fi
assert_contains "$(cat err.txt)" "expected min or max" "a bad mode is refused"

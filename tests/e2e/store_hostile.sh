#!/usr/bin/env bash
# `mybuild import` of hostile tarballs: an entry climbing out with ".." is refused with an error naming it,
# a symlink pointing out of the rootfs cannot be written through, and nothing outside the store changes.
source "$MYBUILD_E2E_LIB"
cd "$E2E_WORK"

mkdir -p outside evil/a/b
echo MYBUILD-E2E-MARKER >evil/a/escape
# GNU tar keeps "../escape" with -P (--absolute-names).
(cd evil/a/b && tar -P -cf "$E2E_WORK/dotdot.tar" ../escape)
tar -tPf dotdot.tar | grep -x '../escape' >/dev/null || skip "tar did not store a ../ entry"

"$MYBUILD" images >/dev/null  # creates the root
before=$(find "$E2E_WORK" -path "$MYBUILD_ROOT" -prune -o -print | sort)

set +e
err=$("$MYBUILD" import dotdot.tar evil:dotdot 2>&1); code=$?
set -e
assert_eq 1 "$code" "an entry with .. exits 1"
assert_contains "$err" "../escape" "the error names the entry"
[ -z "$(find "$MYBUILD_ROOT" -name escape)" ] || fail "nothing named escape was written in the root"
pass "nothing was extracted into the root"
assert_eq "$before" "$(find "$E2E_WORK" -path "$MYBUILD_ROOT" -prune -o -print | sort)" "nothing changed outside the root"
[ -z "$(ls -A "$MYBUILD_ROOT/tmp" 2>/dev/null)" ] || fail "the unpack directory is removed after a failure"
pass "no unpack leftovers"
assert_eq "" "$("$MYBUILD" images -q)" "no image was created"

# A symlink to an absolute host directory, then a file "through" it: the link resolves inside the rootfs.
mkdir -p link-src link-src2/x
ln -s "$E2E_WORK/outside" link-src/x
echo MYBUILD-E2E-MARKER >link-src2/x/pwned
tar -C link-src -cf through-link.tar x
tar -C link-src2 -rf through-link.tar x/pwned
set +e
"$MYBUILD" import through-link.tar evil:link >/dev/null 2>&1
set -e
assert_eq "" "$(ls -A outside)" "nothing was written through the symlink to the host"
[ ! -e /x/pwned ] || fail "nothing was written at /x/pwned"
pass "nothing was written to /x"
if [ -n "$("$MYBUILD" images -q evil:link)" ]; then
  # When the import succeeds, the file went inside the image, under the link's in-root target.
  "$MYBUILD" save --format oci evil:link -o link.tar
  mkdir link-layout && tar -C link-layout -xf link.tar
  layer=$(jq -r '.layers[0].digest' "link-layout/blobs/sha256/$(jq -r '.manifests[0].digest' link-layout/index.json | cut -d: -f2)" | cut -d: -f2)
  tar -tzf "link-layout/blobs/sha256/$layer" | grep pwned >/dev/null || fail "the file is inside the image"
  pass "the file written through the link stayed inside the image"
fi
if grep -rqs MYBUILD-E2E-MARKER "$E2E_WORK/outside"; then fail "marker found outside"; fi
pass "no marker outside"

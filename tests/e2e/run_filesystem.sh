#!/usr/bin/env bash
# RUN on a busybox base over overlay snapshots: files created, modified and deleted (whiteouts, also of
# base-image files), directories made opaque, modes and owners changed, all visible after `umoci unpack`
# and in the layer tar itself.
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/run.bash"
require_root
cd "$E2E_WORK"
import_busybox run-base:latest
export SOURCE_DATE_EPOCH=1700000000

build_oci fs "$MYBUILD_TESTDATA/run/filesystem" --snapshotter overlay >/dev/null
assert_root_clean "no mount or active snapshot is left after a build"

names=$(last_layer_names fs)
for entry in .wh.doomed bin/.wh.vi opaque/.wh..wh..opq opaque/new modified private/; do
  grep -qx "$entry" <<<"$names" || fail "the top layer has the entry $entry; it has: $(tr '\n' ' ' <<<"$names")"
done
pass "the top layer has whiteouts for deleted files (also of the base), an opaque marker and the new files"
for entry in opaque/old opaque/sub/ opaque/sub/deep etc/passwd; do
  grep -qx "$entry" <<<"$names" && fail "the top layer has no entry $entry (unchanged or under an opaque dir)"
done
pass "unchanged files and the old contents of an opaque directory are not in the top layer"
one_layer_before=$(layer_blobs fs | tail -n 2 | sed -n 1p)
grep -qx "opaque/sub/deep" <<<"$(tar -tzf "$one_layer_before")" || fail "the layer before has opaque/sub/deep"
pass "the layer before holds the old directory contents"

rootfs=$(unpack fs)/rootfs
assert_eq "created" "$(cat "$rootfs/created")" "a file created by RUN"
assert_eq "$(printf 'one\ntwo')" "$(cat "$rootfs/modified")" "a file modified by a later RUN"
[ ! -e "$rootfs/doomed" ] && [ ! -L "$rootfs/bin/vi" ] || fail "deleted files are gone after umoci unpack"
pass "deleted files (one from a RUN layer, one from the base) are gone after umoci unpack"
[ -L "$rootfs/bin/ls" ] || fail "other base files stay"
assert_eq "new" "$(ls -A "$rootfs/opaque" | tr '\n' ' ' | sed 's/ $//')" "an opaque directory holds only its new contents"
assert_eq "640 0:0" "$(stat -c '%a %u:%g' "$rootfs/keep-mode")" "chmod by RUN"
assert_eq "4755" "$(stat -c '%a' "$rootfs/created")" "setuid bit set by RUN"
assert_eq "644 1000:50" "$(stat -c '%a %u:%g' "$rootfs/keep-owner")" "chown by RUN"
assert_eq "700" "$(stat -c '%a' "$rootfs/private")" "mkdir -m by RUN"
top=$(layer_blobs fs | tail -n 1)
assert_eq "1000/50" "$(tar -tvzf "$top" keep-owner | awk '{print $2}')" "the layer tar records the numeric owner"

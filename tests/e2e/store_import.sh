#!/usr/bin/env bash
# `mybuild import` (directory and tarballs), `images` and `inspect`: one-layer images, reproducible with
# SOURCE_DATE_EPOCH, listed and inspected the way docker shows them.
source "$MYBUILD_E2E_LIB"
require_tool jq
cd "$E2E_WORK"

make_busybox_rootfs rootfs
export SOURCE_DATE_EPOCH=1700000000

# A directory.
digest=$("$MYBUILD" import rootfs bb:dir)
[[ "$digest" =~ ^sha256:[0-9a-f]{64}$ ]] || fail "import prints the image ID, got [$digest]"
pass "import of a directory prints sha256:<hex>"
assert_eq "$digest" "$("$MYBUILD" inspect bb:dir | jq -r '.[0].Id')" "import prints the image ID (config digest)"
image_id=$digest
digest=$("$MYBUILD" inspect bb:dir | jq -r '.[0].Descriptor.digest')
[ "$(stat -c %a "$MYBUILD_ROOT")" = 700 ] || fail "the state root is created with mode 0700"
pass "state root is 0700"
assert_eq "$image_id" "$("$MYBUILD" import rootfs bb:again)" "importing the same directory twice gives the same ID"

# Tarballs of the same tree, in every compression, detected by content (names say nothing).
tar -C rootfs --numeric-owner -cf rootfs.tar .
gzip -c rootfs.tar >rootfs.tgz
cp rootfs.tgz rootfs.tar.gz
cp rootfs.tar no-extension
tar_digest=$("$MYBUILD" import rootfs.tar bb:tar)
assert_eq "$tar_digest" "$("$MYBUILD" import rootfs.tgz bb:tgz)" "a .tgz gives the same image as the .tar"
assert_eq "$tar_digest" "$("$MYBUILD" import no-extension bb:noext)" "the archive type is detected by content"
if command -v zstd >/dev/null 2>&1; then
  zstd -q -c rootfs.tar >rootfs.tar.zst
  assert_eq "$tar_digest" "$("$MYBUILD" import rootfs.tar.zst bb:zst)" "a .tar.zst gives the same image"
fi
assert_eq "$tar_digest" "$("$MYBUILD" import - bb:stdin <rootfs.tar)" "\"-\" reads the archive from stdin"
assert_eq "$image_id" "$tar_digest" "a tarball of a directory gives the same image as the directory"
[ -z "$(ls -A "$MYBUILD_ROOT/tmp" 2>/dev/null)" ] || fail "the unpack directory is removed after import"
pass "no unpack leftovers under ROOT/tmp"

# The image: one layer, config for this host, one history entry, created = SOURCE_DATE_EPOCH.
inspect=$("$MYBUILD" inspect bb:dir)
assert_eq 1 "$(jq length <<<"$inspect")" "inspect prints an array with one image"
case "$(uname -m)" in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; *) arch=$(jq -r '.[0].Architecture' <<<"$inspect") ;; esac
assert_eq "$arch" "$(jq -r '.[0].Architecture' <<<"$inspect")" "Architecture is the host's"
assert_eq linux "$(jq -r '.[0].Os' <<<"$inspect")" "Os is linux"
assert_eq "2023-11-14T22:13:20Z" "$(jq -r '.[0].Created' <<<"$inspect")" "Created is SOURCE_DATE_EPOCH"
assert_eq layers "$(jq -r '.[0].RootFS.Type' <<<"$inspect")" "RootFS.Type"
assert_eq 1 "$(jq '.[0].RootFS.Layers | length' <<<"$inspect")" "one layer"
assert_eq "mybuild import" "$(jq -r '.[0].History[0].created_by' <<<"$inspect")" "history says mybuild import"
assert_eq "$digest" "$(jq -r '.[0].Descriptor.digest' <<<"$inspect")" "Descriptor.digest is the manifest digest"
assert_eq "bb:again bb:dir bb:noext bb:stdin bb:tar bb:tgz" \
  "$(jq -r '.[0].RepoTags | map(select(. != "bb:zst")) | join(" ")' <<<"$inspect")" "RepoTags lists every tag"
id=$(jq -r '.[0].Id' <<<"$inspect")
[[ "$id" =~ ^sha256:[0-9a-f]{64}$ ]] || fail "Id is the config digest"

# images: one row per tag, docker's columns; -q prints each ID once; --digests adds the manifest digest.
images=$("$MYBUILD" images)
assert_contains "$(head -1 <<<"$images")" "REPOSITORY" "images has a header"
for column in TAG "IMAGE ID" CREATED SIZE; do
  assert_contains "$(head -1 <<<"$images")" "$column" "images header has $column"
done
row=$(grep -E '^bb +dir ' <<<"$images") || fail "images lists bb:dir"
assert_contains "$row" "${id:7:12}" "IMAGE ID is the first 12 hex digits of the config digest"
assert_contains "$row" "ago" "CREATED is relative"
assert_contains "$row" "MB" "SIZE is human readable"
assert_eq "${id:7:12}" "$("$MYBUILD" images -q)" "images -q prints the one ID once"
assert_contains "$("$MYBUILD" images --digests)" "$digest" "images --digests shows the manifest digest"
assert_eq 2 "$("$MYBUILD" images bb:dir | wc -l)" "images REPOSITORY:TAG filters"

# Other compressions change the blob, not the diffID.
assert_eq "$image_id" "$("$MYBUILD" import --compression zstd rootfs bb:zstd)" "compression keeps the image ID"
assert_eq "$image_id" "$("$MYBUILD" import --compression gzip rootfs bb:raw)" "gzip keeps the image ID"
zstd_digest=$("$MYBUILD" inspect bb:zstd | jq -r '.[0].Descriptor.digest')
raw_digest=$("$MYBUILD" inspect bb:raw | jq -r '.[0].Descriptor.digest')
[ "$zstd_digest" != "$digest" ] && [ "$raw_digest" != "$digest" ] || fail "compression changes the manifest"
assert_eq "application/vnd.oci.image.layer.v1.tar" \
  "$(jq -r '.layers[0].mediaType' "$MYBUILD_ROOT/blobs/sha256/${digest#sha256:}")" \
  "import stores the layer uncompressed by default, as a build does"
assert_eq "$(jq -c '.[0].RootFS' <<<"$inspect")" "$("$MYBUILD" inspect bb:zstd | jq -c '.[0].RootFS')" \
  "zstd layer has the same diffID"
assert_eq "$(jq -c '.[0].RootFS' <<<"$inspect")" "$("$MYBUILD" inspect bb:raw | jq -c '.[0].RootFS')" \
  "uncompressed layer has the same diffID"

# Without SOURCE_DATE_EPOCH the image is dated now.
unset SOURCE_DATE_EPOCH
year=$("$MYBUILD" inspect "$("$MYBUILD" import rootfs bb:now)" | jq -r '.[0].Created[0:4]')
assert_eq "$(date -u +%Y)" "$year" "created is now without SOURCE_DATE_EPOCH"

# Errors.
set +e
err=$("$MYBUILD" import does-not-exist bb:x 2>&1); code=$?
assert_eq 1 "$code" "a missing source exits 1"
assert_contains "$err" "does-not-exist" "the error names the source"
printf 'not a tar\n' >junk.txt
err=$("$MYBUILD" import junk.txt bb:x 2>&1); code=$?
assert_eq 1 "$code" "a file that is not an archive exits 1"
assert_contains "$err" "error: " "it says error"
err=$("$MYBUILD" import rootfs 'Bad:Name!' 2>&1); code=$?
assert_eq 1 "$code" "an invalid name exits 1"
err=$(SOURCE_DATE_EPOCH=yesterday "$MYBUILD" import rootfs bb:x 2>&1); code=$?
assert_eq 1 "$code" "a bad SOURCE_DATE_EPOCH exits 1"
assert_contains "$err" "SOURCE_DATE_EPOCH" "the error names SOURCE_DATE_EPOCH"
"$MYBUILD" import >/dev/null 2>&1; code=$?
assert_eq 2 "$code" "import without arguments is a usage error"
"$MYBUILD" import --compression lz4 rootfs bb:x >/dev/null 2>&1; code=$?
assert_eq 2 "$code" "an unknown --compression is a usage error"
"$MYBUILD" inspect no-such-image >/dev/null 2>&1; code=$?
assert_eq 1 "$code" "inspect of an unknown image exits 1"
set -e

#!/usr/bin/env bash
# `mybuild save` (docker and OCI archives, read back by skopeo) and `mybuild load` (into a fresh root the
# same manifest digest comes back, from a file or stdin, with its names).
source "$MYBUILD_E2E_LIB"
require_tool jq
cd "$E2E_WORK"
export SOURCE_DATE_EPOCH=1700000000

make_busybox_rootfs rootfs
image_id=$("$MYBUILD" import rootfs busybox:e2e)
digest=$("$MYBUILD" inspect busybox:e2e | jq -r '.[0].Descriptor.digest')
"$MYBUILD" tag busybox:e2e example.com/team/bb:1.0

# A docker archive (the default), as `docker save` writes it.
"$MYBUILD" save busybox:e2e example.com/team/bb:1.0 -o bb-docker.tar
assert_eq "busybox:e2e example.com/team/bb:1.0" \
  "$(tar -xOf bb-docker.tar manifest.json | jq -r '.[0].RepoTags | join(" ")')" "manifest.json has both RepoTags"
"$MYBUILD" save busybox:e2e >bb-stdout.tar
listing=$(tar -tf bb-stdout.tar)
grep -qx manifest.json <<<"$listing" || fail "save without -o writes the archive to stdout"
pass "save writes to stdout"
"$MYBUILD" save busybox:e2e -o - >bb-dash.tar
cmp bb-stdout.tar bb-dash.tar || fail "-o - is stdout"
pass "-o - is stdout"

# An OCI archive.
"$MYBUILD" save --format oci busybox:e2e -o bb-oci.tar
tar -xOf bb-oci.tar oci-layout | jq -e '.imageLayoutVersion == "1.0.0"' >/dev/null || fail "oci-layout"
pass "OCI archive has oci-layout"
assert_eq "$digest" "$(tar -xOf bb-oci.tar index.json | jq -r '.manifests[0].digest')" \
  "index.json points at the image's manifest"

if command -v skopeo >/dev/null 2>&1; then
  info=$(skopeo inspect docker-archive:bb-docker.tar:busybox:e2e)
  assert_eq 1 "$(jq '.Layers | length' <<<"$info")" "skopeo reads the docker archive: one layer"
  assert_eq linux "$(jq -r .Os <<<"$info")" "skopeo sees os linux"
  info=$(skopeo inspect oci-archive:bb-oci.tar)
  assert_eq "$digest" "$(jq -r .Digest <<<"$info")" "skopeo reads the OCI archive with the same digest"
  skopeo inspect --config oci-archive:bb-oci.tar | jq -e '.history[0].created_by == "mybuild import"' >/dev/null ||
    fail "skopeo reads the config"
  pass "skopeo reads the config of the OCI archive"
else
  echo "note: skopeo not installed, archive checks by skopeo left out"
fi

# load into fresh roots gives the same manifest digest and the names.
out=$(MYBUILD_ROOT="$E2E_WORK/root-oci" "$MYBUILD" load -i bb-oci.tar)
assert_eq "Loaded image: busybox:e2e" "$out" "load of the OCI archive names the image"
assert_eq "$digest" "$(MYBUILD_ROOT="$E2E_WORK/root-oci" "$MYBUILD" inspect busybox:e2e | jq -r '.[0].Descriptor.digest')" \
  "loading the OCI archive gives the same manifest digest"
out=$(MYBUILD_ROOT="$E2E_WORK/root-docker" "$MYBUILD" load <bb-docker.tar)
assert_contains "$out" "Loaded image: busybox:e2e" "load from stdin names the first image"
assert_contains "$out" "Loaded image: example.com/team/bb:1.0" "load names the second tag"
# A docker archive holds uncompressed layers; load stores them gzip-compressed as the build (here: import)
# did, so the image comes back whole: the same ID, diffIDs, manifest digest and SIZE.
tar -xOf bb-docker.tar manifest.json | jq -r '.[0].Layers[0]' | xargs tar -xOf bb-docker.tar | tar -t >/dev/null ||
  fail "the docker archive's layer is a plain tar"
assert_eq "$("$MYBUILD" inspect busybox:e2e | jq -c '.[0] | [.Id, .RootFS, .Descriptor]')" \
  "$(MYBUILD_ROOT="$E2E_WORK/root-docker" "$MYBUILD" inspect example.com/team/bb:1.0 | jq -c '.[0] | [.Id, .RootFS, .Descriptor]')" \
  "loading the docker archive gives the same image ID, diffIDs and manifest"
assert_eq "$("$MYBUILD" images busybox:e2e | awk 'NR == 2 {print $NF}')" \
  "$(MYBUILD_ROOT="$E2E_WORK/root-docker" "$MYBUILD" images busybox:e2e | awk 'NR == 2 {print $NF}')" \
  "images shows the same SIZE after save + load"
MYBUILD_ROOT="$E2E_WORK/root-oci" "$MYBUILD" save --format oci busybox:e2e -o again.tar
cmp bb-oci.tar again.tar || fail "save after load gives the same OCI archive bytes"
pass "save -> load -> save is byte-identical"

# An image saved by ID has no name; loading it prints its ID, which then names it.
id=$("$MYBUILD" images -q busybox:e2e)
"$MYBUILD" save --format oci "$id" -o by-id.tar
out=$(MYBUILD_ROOT="$E2E_WORK/root-id" "$MYBUILD" load -i by-id.tar)
assert_eq "Loaded image ID: $digest" "$out" "an unnamed image loads as its manifest digest (it has no tag)"
MYBUILD_ROOT="$E2E_WORK/root-id" "$MYBUILD" tag "$digest" named:now
assert_eq "$digest" "$(MYBUILD_ROOT="$E2E_WORK/root-id" "$MYBUILD" inspect named:now | jq -r '.[0].Descriptor.digest')" \
  "the loaded ID can be tagged"

# Errors.
set +e
err=$("$MYBUILD" save no-such:image -o x.tar 2>&1); code=$?
assert_eq 1 "$code" "save of an unknown image exits 1"
assert_contains "$err" "no such image: no-such:image" "the error names the image"
[ ! -e x.tar ] || fail "a failed save leaves no file"
pass "a failed save leaves no file"
printf 'garbage' >garbage.tar
err=$("$MYBUILD" load -i garbage.tar 2>&1); code=$?
assert_eq 1 "$code" "load of garbage exits 1"
assert_contains "$err" "garbage.tar" "the error names the file"
"$MYBUILD" load -i missing.tar >/dev/null 2>&1; code=$?
assert_eq 1 "$code" "load of a missing file exits 1"
"$MYBUILD" save --format tarball busybox:e2e -o y.tar >/dev/null 2>&1; code=$?
assert_eq 2 "$code" "an unknown --format is a usage error"
"$MYBUILD" save -o y.tar >/dev/null 2>&1; code=$?
assert_eq 2 "$code" "save without a name is a usage error"
set -e

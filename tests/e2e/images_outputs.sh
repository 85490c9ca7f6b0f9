#!/usr/bin/env bash
# Issue 3, outputs: `mybuild [build] -t NAME CONTEXT` stores the image and prints its image ID; -f
# defaults to CONTEXT/Dockerfile, `-f -` reads stdin; -o type=oci|docker|local|tar, dest=- for stdout;
# compression=gzip|zstd|uncompressed; every tarball is accepted by skopeo and unpacked by umoci; with
# SOURCE_DATE_EPOCH the same inputs give the same bytes, also from two fresh roots.
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/images.bash"
require_tool zstd
export SOURCE_DATE_EPOCH=1700000000
ctx=$(image_case basic)

# The default command and the build subcommand, -f defaulting to CONTEXT/Dockerfile.
image_id=$("$MYBUILD" -t basic:1 --progress quiet "$ctx" 2>"$E2E_WORK/err") || { cat "$E2E_WORK/err"; fail "build"; }
[[ "$image_id" =~ ^sha256:[0-9a-f]{64}$ ]] || fail "the build prints the image ID, got [$image_id]"
pass "mybuild -t NAME CONTEXT prints sha256:<hex>"
assert_eq "$image_id" "$("$MYBUILD" inspect basic:1 | jq -r '.[0].Id')" "the printed ID is inspect's Id (the config digest)"
digest=$("$MYBUILD" inspect basic:1 | jq -r '.[0].Descriptor.digest')
assert_eq "$image_id" "$(mb_build -t basic:2 "$ctx")" "mybuild build gives the same ID"
assert_contains "$(cat "$E2E_WORK/last-build.log")" "image $image_id, manifest $digest" "the progress names both digests"
assert_eq "$image_id" "$(mb_build -t basic:3 -f - "$ctx" <"$ctx/Dockerfile")" "-f - reads the Dockerfile from stdin"
cp "$ctx/Dockerfile" "$E2E_WORK/Other.Dockerfile"
assert_eq "$image_id" "$(mb_build -t basic:4 -f "$E2E_WORK/Other.Dockerfile" "$ctx")" "-f names a Dockerfile outside the context"
mb_build --iidfile "$E2E_WORK/iid" "$ctx" >/dev/null
assert_eq "$image_id" "$(cat "$E2E_WORK/iid")" "--iidfile holds the same ID"
grep -qE '^basic +1 ' <<<"$("$MYBUILD" images)" || fail "images lists basic:1"
pass "the tag is in the store"

# The store keeps the layers a build makes uncompressed (as docker's store does): nothing waits for
# compression that no export asked for.
assert_eq "application/vnd.oci.image.layer.v1.tar" \
  "$(jq -r '.layers | map(.mediaType) | unique | join(",")' "$MYBUILD_ROOT/blobs/sha256/${digest#sha256:}")" \
  "the stored image's layers are uncompressed"

# type=oci: skopeo reads it, umoci unpacks it, the manifest digest is the one printed.
mb_build --metadata-file oci.json -o type=oci,dest=out.tar "$ctx" >/dev/null
[ -s out.tar ] || fail "type=oci writes dest"
inspect=$(skopeo inspect oci-archive:out.tar) || fail "skopeo inspect oci-archive:out.tar"
assert_eq "$(manifest_digest_in oci.json)" "$(jq -r .Digest <<<"$inspect")" "skopeo sees the manifest digest the build names"
assert_contains "$(cat "$E2E_WORK/last-build.log")" "image $image_id, manifest $(manifest_digest_in oci.json)" \
  "the progress names the exported manifest, with the same image ID"
assert_eq 2 "$(jq '.Layers | length' <<<"$inspect")" "two COPY steps give two layers"
assert_eq "application/vnd.oci.image.layer.v1.tar+gzip" \
  "$(skopeo inspect --raw oci-archive:out.tar | jq -r '.layers[0].mediaType')" "layers are gzip by default"
out_listing=$(tar -tf out.tar)
grep -qx 'oci-layout' <<<"$out_listing" || fail "the OCI archive has oci-layout"
grep -qx 'index.json' <<<"$out_listing" || fail "the OCI archive has index.json"
pass "oci-layout and index.json"
unpack_oci out.tar bundle
assert_eq "hello from the context" "$(cat bundle/rootfs/hello.txt)" "umoci unpack: hello.txt"
assert_eq "nested" "$(cat bundle/rootfs/sub/nested.txt)" "umoci unpack: sub/nested.txt"
config=$(image_config out.tar)
assert_eq '["/hello"]' "$(jq -c .config.Cmd <<<"$config")" "Cmd"
assert_eq "2023-11-14T22:13:20Z" "$(jq -r .created <<<"$config")" "created is SOURCE_DATE_EPOCH"
assert_eq "2023-11-14T22:13:20Z" "$(jq -r '[.history[].created] | unique | join(",")' <<<"$config")" \
  "every history entry is created at SOURCE_DATE_EPOCH"
layer=$(skopeo inspect --raw oci-archive:out.tar | jq -r '.layers[0].digest' | cut -d: -f2)
tar -xOf out.tar "blobs/sha256/$layer" | tar -tvz --full-time >layer0.txt
if grep -v "2023-11-14 22:13:20" layer0.txt; then fail "every mtime in a layer is clamped"; fi
pass "layer mtimes are SOURCE_DATE_EPOCH"

# type=docker: `skopeo copy docker-archive:` accepts it; same config.
mb_build -t basic:docker -o type=docker,dest=docker.tar "$ctx" >/dev/null
skopeo copy -q docker-archive:docker.tar oci:docker-layout:img >/dev/null || fail "skopeo copy docker-archive:"
pass "skopeo copy docker-archive:docker.tar oci:…"
tar -xOf docker.tar manifest.json | jq -e '.[0].RepoTags | index("basic:docker")' >/dev/null \
  || fail "docker archive manifest.json has RepoTags basic:docker"
pass "docker archive carries RepoTags"
# (skopeo re-serialises the config when it converts to OCI, so compare what it parses.)
assert_eq "$(skopeo inspect --config oci-archive:out.tar | jq -cS '{config, rootfs, history, created}')" \
  "$(skopeo inspect --config oci:docker-layout:img | jq -cS '{config, rootfs, history, created}')" \
  "the docker archive has the same config"
docker_config=$(tar -xOf docker.tar manifest.json | jq -r '.[0].Config')
assert_eq "$(jq -cS . <<<"$config")" "$(tar -xOf docker.tar "$docker_config" | jq -cS .)" "docker archive config = OCI config"

# type=local and type=tar: the root file system.
mb_build -o type=local,dest=localdir "$ctx" >/dev/null
assert_eq "hello from the context" "$(cat localdir/hello.txt)" "type=local writes the files"
assert_eq "nested" "$(cat localdir/sub/nested.txt)" "type=local writes directories"
mb_build -o barepath "$ctx" >/dev/null
assert_eq "nested" "$(cat barepath/sub/nested.txt)" "-o PATH is type=local,dest=PATH"
mb_build -o type=tar,dest=fs.tar "$ctx" >/dev/null
grep -qx 'sub/nested.txt' <<<"$(tar -tf fs.tar | sed 's|^\./||')" || fail "type=tar has sub/nested.txt"
assert_eq "hello from the context" "$(tar -xOf fs.tar --wildcards '*hello.txt')" "type=tar has hello.txt"
mb_build -o - "$ctx" >stdout-fs.tar
cmp -s fs.tar stdout-fs.tar || fail "-o - writes the same tar to stdout"
pass "-o - is type=tar,dest=-"
mb_build -o type=oci,dest=- "$ctx" >stdout-oci.tar
cmp -s out.tar stdout-oci.tar || fail "type=oci,dest=- writes the same archive to stdout"
pass "type=oci,dest=- to stdout"

# compression=zstd|uncompressed.
mb_build -o type=oci,dest=zstd.tar,compression=zstd "$ctx" >/dev/null
assert_eq "application/vnd.oci.image.layer.v1.tar+zstd" \
  "$(skopeo inspect --raw oci-archive:zstd.tar | jq -r '.layers | map(.mediaType) | unique | join(",")')" "compression=zstd"
MYBUILD_ROOT="$E2E_WORK/root-zstd" mb_build -o type=oci,dest=zstd-cold.tar,compression=zstd "$ctx" >/dev/null
cmp -s zstd.tar zstd-cold.tar || fail "zstd: re-encoded cached layers = layers written as zstd"
pass "compression=zstd gives the same bytes from the cache and from a fresh root"
MYBUILD_ROOT="$E2E_WORK/root-zstd" mb_build -o type=oci,dest=gzip-after-zstd.tar "$ctx" >/dev/null
cmp -s out.tar gzip-after-zstd.tar || fail "a default build after a zstd build is gzip again, same bytes"
pass "the layers' compression does not depend on what the cache holds"
# (umoci 0.4 cannot read zstd layers: check them with zstd(1) against the config's diff_ids.)
zconfig=$(image_config zstd.tar)
for i in 0 1; do
  blob=$(skopeo inspect --raw oci-archive:zstd.tar | jq -r ".layers[$i].digest")
  tar -xOf zstd.tar "blobs/sha256/${blob#sha256:}" | zstd -dcq >"zlayer$i.tar" || fail "zstd -d of layer $i"
  assert_eq "$(jq -r ".rootfs.diff_ids[$i]" <<<"$zconfig")" "sha256:$(sha256sum <"zlayer$i.tar" | cut -d' ' -f1)" \
    "zstd layer $i decompresses to its diff_id"
done
assert_eq "nested" "$(tar -xOf zlayer1.tar --wildcards '*nested.txt')" "the zstd layer holds sub/nested.txt"
mb_build -o type=oci,dest=plain.tar,compression=uncompressed "$ctx" >/dev/null
assert_eq "application/vnd.oci.image.layer.v1.tar" \
  "$(skopeo inspect --raw oci-archive:plain.tar | jq -r '.layers | map(.mediaType) | unique | join(",")')" "compression=uncompressed"
unpack_oci plain.tar pbundle
assert_eq "hello from the context" "$(cat pbundle/rootfs/hello.txt)" "umoci unpacks uncompressed layers"
assert_eq "$(jq -c .rootfs <<<"$config")" "$(image_config plain.tar | jq -c .rootfs)" "diff_ids do not depend on compression"

# Determinism: a second build, a fresh root, a touched context give the same bytes.
mb_build -o type=oci,dest=again.tar "$ctx" >/dev/null
cmp -s out.tar again.tar || fail "rebuild gives identical bytes"
pass "rebuild (cache hit) gives identical bytes"
touch "$ctx/hello.txt" "$ctx/sub/nested.txt"  # newer than SOURCE_DATE_EPOCH: clamped
MYBUILD_ROOT="$E2E_WORK/root2" mb_build -o type=oci,dest=fresh.tar "$ctx" >/dev/null
cmp -s out.tar fresh.tar || fail "a fresh root gives identical bytes"
pass "fresh root + touched context gives identical bytes"
# A build whose export compresses writes its image's layers compressed while it makes them: the fresh root
# re-encoded nothing (no variants) and holds no uncompressed copy of them; a later build into the store
# there gives the store's uncompressed layers again, from the cache.
[ -z "$(ls -A "$E2E_WORK/root2/variants" 2>/dev/null)" ] || fail "the exporting build re-encoded layers: $(ls "$E2E_WORK/root2/variants")"
for blob in "$E2E_WORK"/root2/blobs/sha256/*; do
  if [ "$(dd if="$blob" bs=1 skip=257 count=5 status=none)" = ustar ]; then  # a plain tar, not gzip
    fail "the exporting build stored an uncompressed layer too: $blob"
  fi
done
pass "the exported layers are compressed while written, with no uncompressed copy"
MYBUILD_ROOT="$E2E_WORK/root2" mb_build -t store-after-export:1 "$ctx" >/dev/null
stored=$(MYBUILD_ROOT="$E2E_WORK/root2" "$MYBUILD" inspect store-after-export:1 | jq -r '.[0].Descriptor.digest')
assert_eq "application/vnd.oci.image.layer.v1.tar" \
  "$(jq -r '.layers | map(.mediaType) | unique | join(",")' "$E2E_WORK/root2/blobs/sha256/${stored#sha256:}")" \
  "a store build after an exporting one keeps uncompressed layers"
MYBUILD_ROOT="$E2E_WORK/root3" mb_build -o type=docker,dest=fresh-docker.tar "$ctx" >/dev/null
MYBUILD_ROOT="$E2E_WORK/root4" mb_build -o type=docker,dest=fresh-docker2.tar "$ctx" >/dev/null
cmp -s fresh-docker.tar fresh-docker2.tar || fail "docker archives are identical across fresh roots"
pass "docker archives identical across fresh roots"

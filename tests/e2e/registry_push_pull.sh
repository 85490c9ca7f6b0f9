#!/usr/bin/env bash
# Registry client against a real registry (Debian's docker-registry on 127.0.0.1): `build --push` and
# `-o type=registry` push what skopeo/umoci then read with the same manifest digest; `push` of a stored
# image skips every blob the registry has; `pull` into a fresh root gives the same digest; a Dockerfile
# FROM the registry builds in a fresh root (pulling) and its RUN works; Docker schema 2 images pushed by
# skopeo are pulled too; a registry with htpasswd (Basic) auth takes the docker config's credentials; an
# image loaded from a docker archive (kept uncompressed in the store) is pushed with gzip layers (issue
# 10.6: it was pushed uncompressed). https is in registry_tls.sh.
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/images.bash"
source "$(dirname "$MYBUILD_E2E_LIB")/registry.bash"
require_root
export SOURCE_DATE_EPOCH=1700000000
start_registry main
echo "registry at $REGISTRY"
uploads() { grep -c 'PUT /v2/[^ ]*/blobs/uploads/' "$REGISTRY_LOG" || true; }

import_busybox busybox:latest
mkdir ctx
echo "hello from the registry test" >ctx/hello.txt
printf 'FROM busybox\nCOPY hello.txt /hello.txt\nCMD ["cat", "/hello.txt"]\n' >ctx/Dockerfile

# build --push: pushed under the -t name, with the digest of the local OCI output (both compress the
# layers the store keeps uncompressed, to the same gzip bytes; the image ID is the stored image's).
image_id=$(mb_build --metadata-file push.json --push -t "$REGISTRY/app:1" -o type=oci,dest=app.tar ctx)
digest=$(manifest_digest_in push.json)
assert_eq "$image_id" "$("$MYBUILD" inspect "$REGISTRY/app:1" | jq -r '.[0].Id')" "build prints the image ID"
grep -q "pushed $REGISTRY/app:1@$digest" "$E2E_WORK/last-build.log" || { cat "$E2E_WORK/last-build.log"; fail "build --push says what it pushed"; }
pass "build --push reports the pushed manifest digest"
assert_eq "$digest" "$(tar -xOf app.tar index.json | jq -r '.manifests[0].digest')" "the OCI output has the printed digest"
remote=$(skopeo inspect --tls-verify=false "docker://$REGISTRY/app:1") || fail "skopeo inspect docker://$REGISTRY/app:1"
assert_eq "$digest" "$(jq -r .Digest <<<"$remote")" "skopeo sees the pushed manifest digest"
assert_eq 2 "$(jq '.Layers | length' <<<"$remote")" "busybox layer + COPY layer"
skopeo copy -q --src-tls-verify=false "docker://$REGISTRY/app:1" "oci:pulled.layout:app" >/dev/null || fail "skopeo copy"
umoci unpack --image pulled.layout:app pulled >/dev/null 2>&1 || fail "umoci unpack of the pushed image"
assert_eq "hello from the registry test" "$(cat pulled/rootfs/hello.txt)" "umoci unpacks the pushed file"
[ -x pulled/rootfs/bin/busybox ] || fail "the base layer was pushed too"
pass "skopeo copy + umoci unpack of the pushed image"

# Pushing again uploads nothing: every blob is found with HEAD.
before=$(uploads)
[ "$before" -ge 3 ] || fail "the registry log lists the first push's uploads (found $before)"
out=$("$MYBUILD" push "$REGISTRY/app:1") || fail "mybuild push"
assert_contains "$out" "1: digest: $digest" "push prints TAG: digest: …"
assert_eq 3 "$(grep -c 'already exists' <<<"$out")" "push finds config and both layers on the registry"
mb_build --push -t "$REGISTRY/app:1" ctx >/dev/null
assert_contains "$(cat "$E2E_WORK/last-build.log")" "(0 blobs uploaded, 0 mounted, 3 already there)" "build --push again uploads no blob"
assert_eq "$before" "$(uploads)" "the registry log shows no new upload"

# -o type=registry,name=A,B pushes under every name; registry.insecure=true is accepted. The blobs of
# other/b are mounted from other/a (cross-repository mount), not uploaded again.
mb_build -o "type=registry,name=$REGISTRY/other/a:1,$REGISTRY/other/b:1,registry.insecure=true" ctx >/dev/null
for repo in a b; do
  assert_eq "$digest" "$(skopeo inspect --tls-verify=false "docker://$REGISTRY/other/$repo:1" | jq -r .Digest)" \
    "-o type=registry pushed other/$repo:1"
done
assert_contains "$(cat "$E2E_WORK/last-build.log")" "pushed $REGISTRY/other/b:1@$digest (0 blobs uploaded, 3 mounted" \
  "the second name's blobs are mounted from the first"
mb_build_fails -o type=registry ctx
assert_contains "$(cat "$E2E_WORK/last-build.log")" "needs an image name" "type=registry without a name says so"

# pull into a fresh root: same digest, tagged, and usable as a base right away.
out=$("$MYBUILD" --root "$E2E_WORK/root2" pull "$REGISTRY/app:1") || fail "mybuild pull"
assert_contains "$out" "Digest: $digest" "pull prints the manifest digest"
assert_eq "$digest" "$("$MYBUILD" --root "$E2E_WORK/root2" inspect "$REGISTRY/app:1" | jq -r '.[0].Descriptor.digest')" \
  "the pulled tag names the same manifest"
[ -n "$(ls "$E2E_WORK/root2/snapshots/"*/ 2>/dev/null)" ] || fail "pull unpacks the layers for builds"
pass "pull stores and unpacks the image"
out=$("$MYBUILD" --root "$E2E_WORK/root2" pull "$REGISTRY/app:1") || fail "second pull"
assert_contains "$out" "Image is up to date" "a second pull downloads nothing new"
grep -q "downloaded" <<<"$out" && fail "a second pull downloads no blob"

# FROM the registry in a fresh root: pulled during the build, and RUN works on it.
mkdir ctx2
printf 'FROM %s/app:1\nRUN cat /hello.txt >/copy.txt && echo ran >>/copy.txt\n' "$REGISTRY" >ctx2/Dockerfile
MYBUILD_ROOT="$E2E_WORK/root3" mb_build -t derived:1 -o type=local,dest=derived ctx2 >/dev/null
assert_contains "$(cat "$E2E_WORK/last-build.log")" "pulled $REGISTRY/app:1@$digest" "the build pulled its base"
assert_eq "hello from the registry test
ran" "$(cat derived/copy.txt)" "RUN ran on the pulled base"
MYBUILD_ROOT="$E2E_WORK/root3" mb_build_fails ctx2 -f - <<<"FROM $REGISTRY/missing:1"
assert_contains "$(cat "$E2E_WORK/last-build.log")" "pulling it failed" "a missing remote image is a clear error"

# Docker schema 2 (skopeo --format v2s2) is pulled as well.
skopeo copy -q --dest-tls-verify=false --format v2s2 "oci:pulled.layout:app" "docker://$REGISTRY/v2s2:1" >/dev/null ||
  fail "skopeo copy --format v2s2"
v2s2=$(skopeo inspect --raw --tls-verify=false "docker://$REGISTRY/v2s2:1" | sha256sum | cut -d' ' -f1)
out=$("$MYBUILD" --root "$E2E_WORK/root4" pull "$REGISTRY/v2s2:1") || fail "pull of a docker schema 2 image"
assert_contains "$out" "Digest: sha256:$v2s2" "the docker manifest is kept byte for byte"
assert_eq "application/vnd.docker.distribution.manifest.v2+json" \
  "$("$MYBUILD" --root "$E2E_WORK/root4" inspect "$REGISTRY/v2s2:1" | jq -r '.[0].Descriptor.mediaType')" "stored with its media type"

# A docker archive loaded into a fresh root keeps its layers uncompressed in the store; a push compresses
# them (the same gzip bytes as the first push, so the same manifest digest).
"$MYBUILD" save -o saved.tar "$REGISTRY/app:1" || fail "save"
"$MYBUILD" --root "$E2E_WORK/root8" load -i saved.tar >/dev/null || fail "load into a fresh root"
"$MYBUILD" --root "$E2E_WORK/root8" tag "$REGISTRY/app:1" "$REGISTRY/loaded:1" || fail "tag the loaded image"
"$MYBUILD" --root "$E2E_WORK/root8" push -q "$REGISTRY/loaded:1" >/dev/null || fail "push of a loaded image"
pushed=$(skopeo inspect --raw --tls-verify=false "docker://$REGISTRY/loaded:1") || fail "skopeo inspect --raw loaded:1"
assert_eq "application/vnd.oci.image.layer.v1.tar+gzip" "$(jq -r '[.layers[].mediaType] | unique | join(",")' <<<"$pushed")" \
  "a loaded image's layers are pushed gzip-compressed"
assert_eq "$digest" "$(skopeo inspect --tls-verify=false "docker://$REGISTRY/loaded:1" | jq -r .Digest)" \
  "with the first push's manifest digest"

# Unknown image: exit 1 and a clear message.
if "$MYBUILD" --root "$E2E_WORK/root4" pull "$REGISTRY/nothing:1" >/dev/null 2>err.txt; then fail "pull of a missing image"; fi
assert_contains "$(cat err.txt)" "MANIFEST_UNKNOWN" "the registry's error code is shown"

# Basic auth (htpasswd; distribution allows it over plain http): credentials from $DOCKER_CONFIG.
if htpasswd_file "$E2E_WORK/htpasswd" alice s3cret; then
  start_registry auth "$E2E_WORK/htpasswd"
  export DOCKER_CONFIG="$E2E_WORK/docker-config"
  mkdir -p "$DOCKER_CONFIG"
  echo '{}' >"$DOCKER_CONFIG/config.json"
  "$MYBUILD" tag "$digest" "$REGISTRY/secure:1"
  if "$MYBUILD" push "$REGISTRY/secure:1" >/dev/null 2>err.txt; then fail "push without credentials"; fi
  assert_contains "$(cat err.txt)" "no credentials" "push without credentials says none were found"
  printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$REGISTRY" "$(printf 'alice:wrong' | base64)" >"$DOCKER_CONFIG/config.json"
  if "$MYBUILD" push "$REGISTRY/secure:1" >/dev/null 2>err.txt; then fail "push with a wrong password"; fi
  assert_contains "$(cat err.txt)" "401" "a wrong password is refused"
  printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$REGISTRY" "$(printf 'alice:s3cret' | base64)" >"$DOCKER_CONFIG/config.json"
  "$MYBUILD" push -q "$REGISTRY/secure:1" >/dev/null || fail "push with the docker config's credentials"
  assert_eq "$digest" "$(skopeo inspect --tls-verify=false --creds alice:s3cret "docker://$REGISTRY/secure:1" | jq -r .Digest)" \
    "pushed with Basic auth"
  unset DOCKER_CONFIG
  export REGISTRY_AUTH_FILE="$E2E_WORK/auth.json"
  printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$REGISTRY" "$(printf 'alice:s3cret' | base64)" >"$REGISTRY_AUTH_FILE"
  out=$(HOME="$E2E_WORK" "$MYBUILD" --root "$E2E_WORK/root5" pull "$REGISTRY/secure:1") || fail "pull with \$REGISTRY_AUTH_FILE"
  assert_contains "$out" "Digest: $digest" "pulled with the podman-style auth file"
else
  echo "note: no bcrypt available for htpasswd; Basic auth is covered by the unit tests only"
fi

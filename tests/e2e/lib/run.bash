# Helpers for the RUN end-to-end tests (tests/e2e/run_*.sh). Source after common.bash.
require_tool jq
require_tool tar

# build_oci TAG CONTEXT [ARGS…]: builds CONTEXT into $E2E_WORK/TAG.tar (OCI layout) and tags it run-test:TAG;
# prints the manifest digest.
build_oci() {
  local tag=$1 context=$2
  shift 2
  "$MYBUILD" build -t "run-test:$tag" --progress plain -o "type=oci,dest=$E2E_WORK/$tag.tar" \
    --metadata-file "$E2E_WORK/.build-metadata.json" "$@" "$context" >/dev/null \
    2>"$E2E_WORK/$tag.log" || { cat "$E2E_WORK/$tag.log" >&2; fail "building $context ($tag)"; }
  manifest_digest_in "$E2E_WORK/.build-metadata.json"
}

# oci_dir TAG: extracts $E2E_WORK/TAG.tar to $E2E_WORK/TAG.oci once and prints that directory.
oci_dir() {
  local dir="$E2E_WORK/$1.oci"
  if [ ! -d "$dir" ]; then
    mkdir -p "$dir"
    tar -xf "$E2E_WORK/$1.tar" -C "$dir"
  fi
  echo "$dir"
}

# manifest_of TAG: the image manifest JSON of the OCI output TAG.
manifest_of() {
  local dir
  dir=$(oci_dir "$1")
  jq . "$dir/blobs/sha256/$(jq -r '.manifests[0].digest' "$dir/index.json" | cut -d: -f2)"
}

# layer_blobs TAG: the layer blob paths of the OCI output TAG, base first.
layer_blobs() {
  local dir
  dir=$(oci_dir "$1")
  manifest_of "$1" | jq -r '.layers[].digest' | while read -r d; do echo "$dir/blobs/sha256/${d#sha256:}"; done
}

# last_layer_names TAG: the entry names of the top layer (`tar -tzf`).
last_layer_names() {
  tar -tzf "$(layer_blobs "$1" | tail -n 1)"
}

# unpack TAG: `umoci unpack` of the OCI output TAG into $E2E_WORK/TAG.bundle; prints the bundle path.
unpack() {
  require_tool umoci
  local bundle="$E2E_WORK/$1.bundle"
  [ -d "$bundle" ] || umoci unpack --image "$(oci_dir "$1"):$1" "$bundle" >"$E2E_WORK/$1.umoci.log" 2>&1 ||
    { cat "$E2E_WORK/$1.umoci.log" >&2; fail "umoci unpack of $1"; }
  echo "$bundle"
}

# assert_root_clean: nothing of the state root is mounted and no snapshot is left active.
assert_root_clean() {
  local what=${1:-"the state root is clean"}
  local mounted
  mounted=$(mounts_under "$MYBUILD_ROOT")
  [ -z "$mounted" ] || fail "$what: mounts left under the root: $mounted"
  local metadata active=""
  for metadata in "$MYBUILD_ROOT"/snapshots/*/metadata.json; do
    [ -f "$metadata" ] || continue
    active+=$(jq -r '.snapshots | to_entries[] | select(.value.kind != "committed") | .key' "$metadata")
  done
  [ -z "$active" ] || fail "$what: snapshots left active: $active"
  pass "$what"
}

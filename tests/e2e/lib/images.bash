# Helpers for the tests/e2e/images_*.sh scripts (RUN-free Dockerfiles from testdata/images/): build a case,
# then look at the result only through independent tools (skopeo, umoci, jq, tar).
# Source after common.bash.
require_tool jq
require_tool skopeo
require_tool umoci
cd "$E2E_WORK"

# image_case NAME: copies testdata/images/NAME to a fresh directory under $E2E_WORK and prints its path,
# so that a test may add generated files (archives, symlinks, modes) without touching the checkout.
image_case() {
  local dir="$E2E_WORK/case-$1"
  rm -rf "$dir"
  cp -a "$MYBUILD_TESTDATA/images/$1" "$dir"
  echo "$dir"
}

# mb_build ARGS…: `mybuild build --progress plain ARGS…`; stdout is passed on, the progress log is kept in
# $E2E_WORK/last-build.log and shown when the build fails.
mb_build() {
  if ! "$MYBUILD" build --progress plain "$@" 2>"$E2E_WORK/last-build.log"; then
    cat "$E2E_WORK/last-build.log" >&2
    fail "mybuild build $* failed"
  fi
}

# mb_build_fails ARGS…: the build must fail; its stderr is left in $E2E_WORK/last-build.log.
mb_build_fails() {
  if "$MYBUILD" build --progress plain "$@" >/dev/null 2>"$E2E_WORK/last-build.log"; then
    fail "mybuild build $* succeeded but should have failed"
  fi
}

# unpack_oci TAR DIR: `skopeo copy` the OCI archive into a layout, `umoci unpack` it to DIR; the root file
# system is DIR/rootfs, the config DIR/config.json (runtime spec, not the image config).
unpack_oci() {
  local tar=$1 dir=$2
  skopeo copy -q "oci-archive:$tar" "oci:$dir.layout:img" >/dev/null || fail "skopeo copy oci-archive:$tar"
  umoci unpack --image "$dir.layout:img" "$dir" >/dev/null 2>&1 || fail "umoci unpack of $tar"
}

# image_config TAR: the image config blob of an OCI archive, byte for byte (`skopeo inspect --config`
# would drop the Docker extensions: Shell, Healthcheck, OnBuild).
image_config() {
  local digest
  digest=$(skopeo inspect --raw "oci-archive:$1" | jq -r .config.digest) || fail "skopeo inspect --raw oci-archive:$1"
  tar -xOf "$1" "blobs/sha256/${digest#sha256:}"
}

# stat_of PATH: "mode uid:gid" (octal mode with file type bits dropped), e.g. "644 0:0".
stat_of() { stat -c '%a %u:%g' "$1"; }

# serve_http DIR: python3's static web server for DIR on 127.0.0.1 (a free port, in $HTTP_PORT), stopped
# when the script exits. Used for ADD <url> and git's dumb http protocol.
serve_http() {
  require_tool python3
  HTTP_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  python3 -m http.server --bind 127.0.0.1 --directory "$1" "$HTTP_PORT" >/dev/null 2>&1 &
  _http_server=$!
  trap 'kill "$_http_server" 2>/dev/null || true; wait "$_http_server" 2>/dev/null || true; cleanup_e2e' EXIT
  for _ in $(seq 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$HTTP_PORT") 2>/dev/null && return 0
    sleep 0.1
  done
  fail "the web server on 127.0.0.1:$HTTP_PORT did not start"
}

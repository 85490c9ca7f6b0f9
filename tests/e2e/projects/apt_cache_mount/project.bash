# apt-get with its caches on RUN --mount=type=cache (sharing=locked), as the Dockerfile reference shows.
expect_output="jq: still installed through apt cache mounts"  # after the edit
edit_project() { sed -i 's/installed through/still installed through/' "$1/data.json"; }
expect_ran_after_edit='COPY filter.jq data.json /app/'
check_image() {
  tree() { (cd "$1" && find var/lib/apt var/cache/apt | sort); }
  assert_eq "$(tree "$DEBIAN_ROOTFS")" "$(tree "$2/rootfs")" \
    "the image's /var/lib/apt and /var/cache/apt are the base's: the cache mounts' lists and .deb files stay out"
  # A later build in the same store finds the downloaded package in the cache.
  mkdir -p "$E2E_WORK/probe"
  printf '%s\n' 'FROM debian:bookworm' \
    'RUN --mount=type=cache,target=/var/cache/apt,sharing=locked ls /var/cache/apt/archives >/archives.txt' >"$E2E_WORK/probe/Dockerfile"
  build_oci probe "$E2E_WORK/probe" >/dev/null
  grep -q '^jq_.*\.deb$' "$(unpack probe)/rootfs/archives.txt" || fail "the cache mount keeps jq's .deb for the next build: $(cat "$(unpack probe)/rootfs/archives.txt")"
  pass "the cache mount keeps jq's .deb for the next build"
}

# A Debian rootfs made once with `debootstrap --variant=minbase` and cached, shared by the end-to-end
# tests (tests/e2e/lib/debian.bash) and the benchmarks (bench/run.sh). Source this file, then:
#   debian_rootfs CACHE_DIR SUITE
# makes CACHE_DIR/SUITE (once; later calls only check CACHE_DIR/SUITE.complete) and prints its path.
# Concurrent callers (ctest -j) wait on CACHE_DIR/lock, so one debootstrap runs and the others reuse it.
# Returns 0 when the rootfs is there, 2 when the mirror cannot be reached (the reason on stderr), 1 on
# any other failure (the tail of the debootstrap log on stderr). Environment: MYBUILD_DEBIAN_MIRROR.

debian_rootfs() {
  local cache_dir=$1 suite=$2
  local rootfs="$cache_dir/$suite" log="$cache_dir/debootstrap-$suite.log"
  local mirror=${MYBUILD_DEBIAN_MIRROR:-http://deb.debian.org/debian}
  mkdir -p "$cache_dir" || return 1
  (
    flock 9
    [ -f "$rootfs.complete" ] && exit 0
    command -v debootstrap >/dev/null 2>&1 ||
      { echo "debootstrap is not installed (scripts/install-deps.sh --with-test-tools installs it)" >&2; exit 1; }
    rm -rf "$rootfs.tmp" "$rootfs"
    if ! debootstrap --variant=minbase "$suite" "$rootfs.tmp" "$mirror" >"$log" 2>&1; then
      rm -rf "$rootfs.tmp"
      if grep -qiE "Failed getting release file|Could not resolve|Temporary failure|Network is unreachable|Connection (refused|timed out)|couldn't download" "$log"; then
        echo "debootstrap cannot reach $mirror: $(grep -iE 'fail|resolve|unreachable|refused|timed out' "$log" | tail -n 1)" >&2
        exit 2
      fi
      tail -n 20 "$log" >&2
      echo "debootstrap --variant=minbase $suite failed (log: $log)" >&2
      exit 1
    fi
    mv "$rootfs.tmp" "$rootfs" && touch "$rootfs.complete"
  ) 9>"$cache_dir/lock" || return
  echo "$rootfs"
}

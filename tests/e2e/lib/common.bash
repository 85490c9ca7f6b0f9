# Shared set-up for the end-to-end tests. Each test script sources this file first.
# Environment (set by ctest): MYBUILD (the binary), MYBUILD_TESTDATA, MYBUILD_CONFORMANCE, MYBUILD_BUILD_DIR.
set -euo pipefail

: "${MYBUILD:?MYBUILD must name the mybuild binary}"
: "${MYBUILD_TESTDATA:?}"

E2E_WORK=$(mktemp -d /tmp/mybuild-e2e.XXXXXX)
export MYBUILD_ROOT="$E2E_WORK/root"
# mounts_under DIR: the mount points at or below DIR, one per line, deepest first.
mounts_under() {
  awk -v d="$1" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo | sort -r
}
cleanup_e2e() {
  local m
  for m in $(mounts_under "$E2E_WORK"); do umount -l "$m" 2>/dev/null || true; done
  rm -rf "$E2E_WORK"
}
trap cleanup_e2e EXIT

skip() { echo "skipped: $*"; exit 77; }
# manifest_digest_in FILE: the manifest digest in a build's --metadata-file (the build's stdout is the image
# ID, the config digest).
# The "N steps: X ran, Y cached" summary line of a build's --progress plain log.
build_summary_in() { grep -E '^[0-9]+ steps: [0-9]+ ran, [0-9]+ cached' "$1" | tail -n 1; }
manifest_digest_in() { jq -r '."containerimage.digest"' "$1"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }

require_tool() {
  command -v "$1" >/dev/null 2>&1 || skip "$1 is not installed"
}
require_root() { [ "$(id -u)" -eq 0 ] || skip "needs root"; }

assert_eq() {  # assert_eq EXPECTED ACTUAL WHAT
  [ "$1" = "$2" ] || fail "$3: expected [$1], got [$2]"
  pass "$3"
}
assert_contains() {  # assert_contains HAYSTACK NEEDLE WHAT
  case "$1" in *"$2"*) pass "$3" ;; *) fail "$3: [$2] not in [$1]" ;; esac
}

# make_busybox_rootfs DIR: a minimal rootfs from Debian's busybox-static (no network needed).
make_busybox_rootfs() {
  local dir=$1
  [ -x /bin/busybox ] || skip "busybox-static is not installed"
  mkdir -p "$dir/bin" "$dir/etc" "$dir/tmp" "$dir/root" "$dir/home/user"
  cp /bin/busybox "$dir/bin/busybox"
  for applet in $(/bin/busybox --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$dir/bin/$applet"
  done
  chmod 1777 "$dir/tmp"
  printf 'root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$dir/etc/passwd"
  printf 'root:x:0:\nuser:x:1000:\nstaff:x:50:user\nnogroup:x:65534:\n' >"$dir/etc/group"
  chown 1000:1000 "$dir/home/user"
}

# import_busybox NAME:TAG: imports a busybox rootfs into the store as a base image.
import_busybox() {
  local rootfs="$E2E_WORK/busybox-rootfs"
  [ -d "$rootfs" ] || make_busybox_rootfs "$rootfs"
  "$MYBUILD" import "$rootfs" "$1" >/dev/null
}

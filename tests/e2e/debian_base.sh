#!/usr/bin/env bash
# The Debian bookworm base of the real-project tests: `debootstrap --variant=minbase` once into
# $MYBUILD_BUILD_DIR/debootstrap-cache (scripts/debian_rootfs.bash), then reused; each test imports it with `mybuild import` as
# debian:bookworm. ctest runs this test first (FIXTURES_SETUP debian_base). Skips when the Debian archive
# cannot be reached.
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/run.bash"
source "$(dirname "$MYBUILD_E2E_LIB")/debian.bash"
require_root
cd "$E2E_WORK"

start=$SECONDS
debian_suite_rootfs bookworm
echo "time: debootstrap (or its cache) $((SECONDS - start)) s"
[ -x "$DEBIAN_ROOTFS/usr/bin/apt-get" ] && [ -x "$DEBIAN_ROOTFS/usr/bin/dpkg" ] || fail "the rootfs has apt-get and dpkg"
assert_eq "bookworm" "$(. "$DEBIAN_ROOTFS/etc/os-release" && echo "$VERSION_CODENAME")" "the rootfs is Debian bookworm"
pass "a Debian bookworm minbase rootfs is cached in $DEBIAN_ROOTFS"


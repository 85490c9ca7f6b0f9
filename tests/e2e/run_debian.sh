#!/usr/bin/env bash
# RUN on a real distribution: a Debian bookworm rootfs made with `debootstrap --variant=minbase`, imported
# with `mybuild import`; RUN runs dpkg, useradd and a bash script as root and as a user. The rootfs is
# cached under $MYBUILD_BUILD_DIR/debootstrap-cache (tests/e2e/lib/debian.bash; e2e: debian_base makes it).
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/run.bash"
source "$(dirname "$MYBUILD_E2E_LIB")/debian.bash"
require_root
cd "$E2E_WORK"

import_debian_bookworm debian-base:bookworm
pass "a Debian bookworm minbase rootfs (cached in $DEBIAN_ROOTFS), imported"
build_oci debian "$MYBUILD_TESTDATA/run/debian" >/dev/null
assert_root_clean "the Debian build leaves the root clean"
rootfs_out=$(unpack debian)/rootfs

packages=$(cat "$rootfs_out/installed-packages")
for package in dpkg bash coreutils libc6 passwd; do
  grep -qx "$package" <<<"$packages" || fail "dpkg -l lists $package as installed"
done
pass "RUN dpkg -l lists the installed packages (dpkg, bash, coreutils, libc6, passwd)"
[[ "$(cat "$rootfs_out/dpkg-version")" =~ ^1\.21\. ]] || fail "dpkg-query gives bookworm's dpkg 1.21.x, got $(cat "$rootfs_out/dpkg-version")"
pass "dpkg-query works"

probe_expected() {  # probe_expected USER UID
  printf 'codename=bookworm\nuser=%s uid=%s\nbash=5\ncounts=123\nsha=ba7816bf8f01cfea\nls=/usr/bin/dpkg' "$1" "$2"
}
assert_eq "$(probe_expected root 0)" "$(cat "$rootfs_out/probe-root.txt")" "a bash script run by RUN as root"
assert_eq "$(probe_expected tester 1500)" "$(cat "$rootfs_out/home/tester/probe-tester.txt")" \
  "the same script as a user made by useradd in an earlier RUN"
assert_eq "/home/tester" "$(cat "$rootfs_out/home/tester/home.txt")" "HOME comes from the passwd entry useradd wrote"
grep -q '^tester:x:1500:1500:' "$rootfs_out/etc/passwd" || fail "useradd's passwd entry is in the image"
pass "useradd's passwd entry is in the image"
assert_eq "1500:1500" "$(stat -c %u:%g "$rootfs_out/home/tester")" "useradd --create-home made a home owned by the user"
[ ! -e "$rootfs_out/etc/debian_version" ] || fail "a deleted base file is gone"
pass "a deleted base file is gone"
assert_eq "README" "$(ls -A "$rootfs_out/usr/share/doc")" "a recreated base directory holds only its new file"
grep -qx "usr/share/doc/.wh..wh..opq" <<<"$(last_layer_names debian)" || fail "the recreated directory is opaque in the layer"
pass "the recreated directory is opaque in the layer"

if command -v runc >/dev/null 2>&1; then
  bundle=$(unpack debian)
  jq '.process.terminal = false' "$bundle/config.json" >config.json && mv config.json "$bundle/config.json"
  if output=$(cd "$bundle" && runc --root "$E2E_WORK/runc-root" run "debian-e2e-$$" </dev/null 2>runc.err); then
    assert_eq "$(probe_expected root 0)" "$output" "the image runs its CMD under runc"
  else
    echo "note: runc could not run the image here: $(tail -n 1 runc.err 2>/dev/null)"
  fi
  runc --root "$E2E_WORK/runc-root" delete -f "debian-e2e-$$" >/dev/null 2>&1 || true
fi

#!/usr/bin/env bash
# Symlinks planted in a layer (by RUN or in a base image) where the build then needs a directory: WORKDIR
# follows a dangling one and creates its target inside the root, as BuildKit's mkdir does; /sys or /proc
# that is not a directory fails the RUN as with runc. The errors name the Dockerfile location and the
# in-image path, never the build's scratch mount points (issue 12.4).
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/images.bash"
require_root
import_busybox bb:latest
mkdir -p ctx

# assert_clean_error TEXT NEEDLE WHAT: TEXT holds NEEDLE and no path of the state root.
assert_clean_error() {
  assert_contains "$1" "$2" "$3"
  case "$1" in *"$MYBUILD_ROOT"*) fail "$3: the message shows a scratch path: $1" ;; esac
  pass "$3: no scratch path in the message"
}

# WORKDIR through a dangling symlink (absolute and relative): the target is made, inside the root.
printf 'FROM bb:latest\nRUN ln -s /target /abs && ln -s rel-target /rel\nWORKDIR /abs/sub\nRUN pwd >/pwd-abs\nWORKDIR /rel\nRUN pwd >/pwd-rel\n' \
  >ctx/Dockerfile
mb_build -o type=local,dest=out ctx >/dev/null
[ -L out/abs ] && [ -d out/target/sub ] && [ -d out/rel-target ] || fail "WORKDIR creates the targets of dangling symlinks"
pass "WORKDIR creates the targets of dangling symlinks inside the image"
assert_eq "/target/sub" "$(cat out/pwd-abs)" "RUN starts in the WORKDIR (getcwd: the link resolved)"
assert_eq "/rel-target" "$(cat out/pwd-rel)" "RUN starts in the relative-link WORKDIR"
[ ! -e /target/sub ] || fail "nothing is created on the host"

# A WORKDIR with ".." kept as written (the config, as BuildKit): RUN starts in /b. The WORKDIR layer
# makes /b only (the mkdir path is cleaned first); the RUN's cwd is given to the container as written and
# made there as os.MkdirAll does in runc's prepareRootfs, which makes /a on the way.
printf 'FROM bb:latest\nWORKDIR /a/../b//\nRUN pwd >/pwd-dots\n' >ctx/Dockerfile
mb_build -o type=local,dest=out-dots ctx >/dev/null
assert_eq "/b" "$(cat out-dots/pwd-dots)" "RUN in WORKDIR /a/../b// starts in /b"
[ -d out-dots/a ] || fail "the RUN makes the missing /a of its cwd /a/../b//, as runc does"
pass "the RUN makes the missing /a of its cwd /a/../b//, as runc does"

# A file in the way of WORKDIR.
printf 'FROM bb:latest\nRUN echo x >/file\nWORKDIR /file/sub\n' >ctx/Dockerfile
mb_build_fails ctx
assert_clean_error "$(cat "$E2E_WORK/last-build.log")" \
  'Dockerfile:3:1: cannot create directory "/file/sub": "/file" exists and is not a directory' "WORKDIR below a file"

# A base image whose /sys is a dangling symlink, and one whose /proc links to a directory.
for dir in sys proc; do
  rootfs="$E2E_WORK/planted-$dir"
  cp -a "$E2E_WORK/busybox-rootfs" "$rootfs"
  rm -rf "${rootfs:?}/$dir"
  mkdir -p "$rootfs/elsewhere"
  if [ "$dir" = sys ]; then ln -s /nonexistent "$rootfs/sys"; else ln -s /elsewhere "$rootfs/proc"; fi
  "$MYBUILD" import "$rootfs" "planted-$dir:latest" >/dev/null
  printf 'FROM planted-%s:latest\nRUN echo hi\n' "$dir" >ctx/Dockerfile
  mb_build_fails ctx
  assert_clean_error "$(cat "$E2E_WORK/last-build.log")" \
    "Dockerfile:2:1: cannot start RUN: /$dir in the image is not a directory (a symlink or a file)" "a /$dir symlink in the base image"
done

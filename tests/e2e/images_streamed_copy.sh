#!/usr/bin/env bash
# A COPY from the context into new paths is written straight to its layer (no snapshot until a later step
# needs one). It must give the same layers as writing the files into a snapshot and diffing it: the
# testdata/images/streamed Dockerfile (and the other image cases) build to the same manifest digest both
# ways (MYBUILD_STREAM_COPIES=0 is the snapshot way), a RUN and a COPY --from see the streamed files, and
# the debug log shows that the streamed way was taken.
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/images.bash"
require_root
export SOURCE_DATE_EPOCH=1700000000

ctx=$(image_case streamed)
mkdir -p "$ctx/links"
printf 'hard\n' >"$ctx/links/hard-1"
ln "$ctx/links/hard-1" "$ctx/links/hard-2"
ln -s hard-1 "$ctx/links/soft"
ln -s /etc/passwd "$ctx/links/absolute"
touch -d '2001-02-03 04:05:06' "$ctx/tree/a.txt" "$ctx/tree/sub"
chmod 640 "$ctx/two.txt"

build_digest() {  # build_digest ROOT STREAM CONTEXT [ARGS…]: prints the manifest digest
  local root=$1 stream=$2 context=$3
  shift 3
  if [ ! -d "$root" ]; then
    mkdir -p "$root"
    MYBUILD_ROOT=$root import_busybox bb:latest
  fi
  MYBUILD_ROOT=$root MYBUILD_STREAM_COPIES=$stream mb_build --metadata-file "$E2E_WORK/.build-metadata.json" "$@" \
    "$context" >/dev/null
  manifest_digest_in "$E2E_WORK/.build-metadata.json"
}

streamed=$(build_digest "$E2E_WORK/root-streamed" 1 "$ctx" \
  -o type=oci,dest=streamed.tar)
grep -q "written straight to its layer" "$E2E_WORK/last-build.log" && fail "the debug log is not on by default"
written=$(build_digest "$E2E_WORK/root-written" 0 "$ctx" -o type=oci,dest=written.tar)
assert_eq "$written" "$streamed" "streamed COPY layers equal the snapshot-diff layers (testdata/images/streamed)"

# The streamed way was taken for the 14 COPYs into new paths (11 from the context, 2 from stages, 1 from
# an image); the 2 that replace files are written through a snapshot.
rm -rf "$E2E_WORK/root-log"
mkdir -p "$E2E_WORK/root-log"
MYBUILD_ROOT="$E2E_WORK/root-log" import_busybox bb:latest
"$MYBUILD" --root "$E2E_WORK/root-log" --log-level debug build --progress plain -o type=oci,dest=log.tar "$ctx" \
  >/dev/null 2>debug.log || { cat debug.log >&2; fail "debug build"; }
assert_eq 14 "$(grep -c "written straight to its layer" debug.log)" "14 COPYs are streamed"
assert_eq 2 "$(grep -c "is written through a snapshot" debug.log)" "2 COPYs are written through a snapshot"
assert_eq 1 "$(grep -c "mkdir of directories the pending layer .* holds: no change, nothing unpacked" debug.log)" \
  "WORKDIR into the pending COPY's directories unpacks nothing"

unpack_oci streamed.tar out
r=out/rootfs
assert_eq "$(printf 'two\none\nhard\n')" "$(cat "$r/ran.txt")" "a RUN after streamed COPYs sees their files"
assert_eq "$(printf 'absolute\nhard-1\nhard-2\nsoft\n')" "$(cat "$r/links.txt")" "the RUN sees the links"
assert_eq "alpha" "$(cat "$r/from-plain/a.txt")" "COPY --from a stage made by a streamed COPY"
assert_eq "644 1000:50" "$(stat_of "$r/from-base-home/one.txt")" "COPY --from a stage keeps the owner"
assert_eq "staff:x:50:user" "$(grep staff "$r/from-image/group")" "COPY --from an image"
assert_eq "$(stat -c %i "$r/links/hard-1")" "$(stat -c %i "$r/links/hard-2")" "hardlinks stay hardlinks"
assert_eq "hard-1" "$(readlink "$r/links/soft")" "symlinks stay symlinks"
assert_eq "750 1000:50" "$(stat_of "$r/owned/a.txt")" "--chown and --chmod"
assert_eq "644 1000:50" "$(stat_of "$r/home/user/one.txt")" "--chown by name"
assert_eq "1000:1000" "$(stat -c %u:%g "$r/home/user")" "the existing directory keeps its owner"
[ ! -e "$r/excluded/c.log" ] && [ -e "$r/excluded/sub/b.txt" ] || fail "--exclude"
assert_eq "two" "$(cat "$r/etc/app/a.txt")" "a COPY over a streamed file replaces it"
assert_eq "one" "$(cat "$r/etc/passwd")" "a COPY over a base image file replaces it"
pass "files, modes and owners"

# The other image cases give the same digests both ways too.
for case in basic copy dockerignore stages config; do
  c=$(image_case "$case")
  if [ "$case" = copy ]; then  # as images_copy.sh prepares it
    chmod 600 "$c/b.txt"
    chmod 750 "$c/dir/sub"
    ln -s a.txt "$c/link-to-a"
    ln -s e.txt "$c/dir/link-to-e"
  fi
  a=$(build_digest "$E2E_WORK/root-streamed" 1 "$c")
  b=$(build_digest "$E2E_WORK/root-written" 0 "$c")
  assert_eq "$b" "$a" "testdata/images/$case: the same digest both ways"
done

#!/usr/bin/env bash
# RUN --mount=type=bind as the reference builder has it: a bind is read-only unless rw; an rw bind is
# writable for the RUN but its writes are thrown away: the build context (names, types, modes, sizes,
# contents, mtimes), a stage's snapshot (from=STAGE: its later users see the original files) and an image
# (from=IMAGE) are never changed by a RUN. Both snapshotters; the copy fallback of an rw context bind
# (no overlayfs) is covered by the worker's unit tests. As in BuildKit, a bind of the context shows the
# context without what .dockerignore excludes, and the RUN's cache key covers the bound content.
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/run.bash"
source "$(dirname "$MYBUILD_E2E_LIB")/solver.bash"
require_root
cd "$E2E_WORK"
import_busybox run-base:latest

# The context: files at several depths, a symlink, an empty directory, an odd name.
ctx="$E2E_WORK/ctx"
mkdir -p "$ctx/sub/deep" "$ctx/empty"
echo keep >"$ctx/keep.txt"
echo doomed >"$ctx/doomed.txt"
echo deep >"$ctx/sub/deep/file"
printf 'x' >"$ctx/with,comma:colon"
ln -s keep.txt "$ctx/link"
chmod 640 "$ctx/keep.txt"
touch -d '2001-02-03 04:05:06.789' "$ctx/keep.txt" "$ctx/sub" "$ctx/empty"
cat >"$ctx/Dockerfile" <<'EOF'
FROM run-base:latest AS stage
RUN mkdir /data && echo orig >/data/keep && echo gone >/data/gone

FROM run-base:latest
# rw on the context: create, change, delete, chmod, rename; the RUN sees its own writes.
RUN --mount=type=bind,target=/ctx,rw sh -ec '\
    echo new >/ctx/created; echo more >>/ctx/keep.txt; rm /ctx/doomed.txt; mkdir /ctx/newdir; \
    chmod 600 /ctx/keep.txt; mv /ctx/sub/deep/file /ctx/moved; rm -r /ctx/empty; touch /ctx/sub; \
    cat /ctx/created /ctx/keep.txt >/ctx-seen; ls /ctx >>/ctx-seen'
# rw on a subdirectory of the context, and on a single file of it.
RUN --mount=type=bind,source=sub,target=/sub,rw --mount=type=bind,source=keep.txt,target=/k,rw sh -ec '\
    echo s >/sub/new; rm -r /sub/deep; echo f >>/k; cat /k >/file-seen'
# rw on a stage: writable, then the stage is unchanged for a read-only bind and for COPY --from.
RUN --mount=type=bind,from=stage,source=/data,target=/d,rw sh -ec '\
    echo x >/d/new; echo more >>/d/keep; rm /d/gone; cat /d/keep >/stage-seen; ls /d >>/stage-seen'
RUN --mount=type=bind,from=stage,target=/s sh -ec 'ls /s/data >/stage-after; cat /s/data/keep >>/stage-after'
COPY --from=stage /data /stage-copy
# rw on an image: writable, then the image is unchanged for the next bind and as this stage's base.
RUN --mount=type=bind,from=run-base:latest,target=/img,rw sh -ec '\
    rm /img/etc/passwd; echo new >/img/etc/new; rm /img/bin/ls; ls /img/etc >/image-seen'
RUN --mount=type=bind,from=run-base:latest,target=/img sh -ec 'ls /img/etc >/image-after; test -L /img/bin/ls'
# Without rw, every bind is read-only: a write fails with EROFS.
RUN --mount=type=bind,target=/ctx --mount=type=bind,from=stage,target=/s \
    --mount=type=bind,from=run-base:latest,target=/img --mount=type=bind,source=keep.txt,target=/k sh -c '\
    for p in /ctx/x /s/x /img/x; do if touch $p 2>/dev/null; then echo "$p writable"; else echo "$p read-only"; fi; done >/ro; \
    if echo x >>/k 2>/dev/null; then echo "/k writable"; else echo "/k read-only"; fi >>/ro; \
    if rm /ctx/keep.txt 2>/dev/null; then echo "rm worked"; else echo "rm refused"; fi >>/ro'
EOF

# snapshot_tree DIR: every entry below DIR (the root included) with type, mode, owner, size, mtime (ns),
# link target and content digest, sorted: what "unchanged" means for a source tree.
snapshot_tree() {
  (cd "$1" && find . -printf '%p %y %m %U:%G %s %T@ %l\n' | LC_ALL=C sort &&
    find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
}

check_build() {
  local what=$1 tag=$2
  shift 2
  snapshot_tree "$ctx" >"$E2E_WORK/ctx.before"
  build_oci "$tag" "$ctx" "$@" >/dev/null
  snapshot_tree "$ctx" >"$E2E_WORK/ctx.after"
  diff "$E2E_WORK/ctx.before" "$E2E_WORK/ctx.after" >&2 ||
    fail "$what: the build context changed (names, modes, sizes, contents or mtimes)"
  pass "$what: the build context is unchanged after RUNs that created, changed and deleted files in rw binds of it"
  assert_root_clean "$what: no mount or active snapshot is left after rw binds"
  [ -z "$(ls -A "$MYBUILD_ROOT/tmp" 2>/dev/null)" ] || fail "$what: scratch files are left: $(ls -A "$MYBUILD_ROOT/tmp")"
  pass "$what: no scratch directory (upper dir or copy of an rw bind) is left"

  local rootfs
  rootfs=$(unpack "$tag")/rootfs
  assert_eq "$(printf 'new\nkeep\nmore\nDockerfile\ncreated\nkeep.txt\nlink\nmoved\nnewdir\nsub\nwith,comma:colon')" \
    "$(cat "$rootfs/ctx-seen")" "$what: the RUN sees its own writes in an rw bind of the context"
  assert_eq "$(printf 'keep\nf')" "$(cat "$rootfs/file-seen")" "$what: an rw bind of a single context file is writable"
  assert_eq "$(printf 'orig\nmore\nkeep\nnew')" "$(cat "$rootfs/stage-seen")" "$what: an rw bind of a stage is writable"
  assert_eq "$(printf 'gone\nkeep\norig')" "$(cat "$rootfs/stage-after")" \
    "$what: the stage's snapshot is unchanged for a later bind of it"
  assert_eq "$(printf 'gone\norig')" "$(cat "$rootfs/stage-copy/gone" "$rootfs/stage-copy/keep")" \
    "$what: the stage's snapshot is unchanged for COPY --from"
  [ ! -e "$rootfs/stage-copy/new" ] || fail "$what: a file written in an rw bind of the stage reached COPY --from"
  assert_eq "$(printf 'group\nnew')" "$(cat "$rootfs/image-seen")" "$what: an rw bind of an image is writable (passwd removed, new added)"
  assert_eq "$(printf 'group\npasswd')" "$(cat "$rootfs/image-after")" "$what: the image is unchanged for a later bind"
  [ -f "$rootfs/etc/passwd" ] && [ -L "$rootfs/bin/ls" ] && [ ! -e "$rootfs/etc/new" ] ||
    fail "$what: the image used as the stage's base changed"
  pass "$what: the image is unchanged as the stage's base"
  for entry in ctx img d sub k created; do
    [ ! -e "$rootfs/$entry" ] || fail "$what: /$entry (a mount target or a write into one) is in the image"
  done
  pass "$what: no mount target nor anything written into a bind is in the image"
  assert_eq "$(printf '/ctx/x read-only\n/s/x read-only\n/img/x read-only\n/k read-only\nrm refused')" \
    "$(cat "$rootfs/ro")" "$what: binds without rw are read-only (context, stage, image, a single file)"
}

check_build "overlay snapshots" bind --snapshotter overlay
(
  export MYBUILD_ROOT="$E2E_WORK/root-native"
  import_busybox run-base:latest
  check_build "copying snapshots" bind-native --snapshotter native
)

# A write into a read-only bind fails the RUN with the Dockerfile location; the context is untouched.
mkdir -p "$E2E_WORK/ro"
echo data >"$E2E_WORK/ro/file"
printf 'FROM run-base:latest\nRUN --mount=type=bind,target=/ctx sh -c "echo x >>/ctx/file"\n' >"$E2E_WORK/ro/Dockerfile"
if "$MYBUILD" build --progress plain "$E2E_WORK/ro" >/dev/null 2>"$E2E_WORK/ro.log"; then
  fail "a write into a read-only bind of the context succeeded"
fi
assert_contains "$(cat "$E2E_WORK/ro.log")" "Read-only file system" "a write into a read-only bind fails with EROFS"
assert_contains "$(cat "$E2E_WORK/ro.log")" "Dockerfile:2" "the failure names the RUN's location"
assert_eq "data" "$(cat "$E2E_WORK/ro/file")" "the context file is untouched after the failed write"

# .dockerignore: what it excludes is not in a bind of the context (read-only or rw).
ign="$E2E_WORK/ign"
mkdir -p "$ign/sub" "$ign/node_modules/pkg" "$ign/logs/keep"
echo one >"$ign/sub/f"
echo other >"$ign/other"
echo 'SECRET=1' >"$ign/.env"
echo x >"$ign/node_modules/pkg/i.js"
echo a >"$ign/logs/a.log"
echo b >"$ign/logs/keep/b.log"
printf '.env\nnode_modules\nlogs\n!logs/keep\n' >"$ign/.dockerignore"
cat >"$ign/Dockerfile" <<'EOF'
FROM run-base:latest AS sub
RUN --mount=type=bind,source=sub,target=/s cat /s/f >/sub-f
FROM run-base:latest
RUN --mount=type=bind,target=/c sh -c 'cd /c && find . | sort >/seen-ro'
RUN --mount=type=bind,target=/c,rw sh -c 'cd /c && find . | sort >/seen-rw && echo mine >/c/.env && cat /c/.env >>/seen-rw'
COPY --from=sub /sub-f /sub-f
EOF
build_json ign1.json -o "type=oci,dest=$E2E_WORK/ign1.tar" -t run-test:ign1 "$ign" >/dev/null ||
  { cat ign1.json >&2; fail "building $ign"; }
rootfs=$(unpack ign1)/rootfs
visible=$(printf '.\n./.dockerignore\n./Dockerfile\n./logs\n./logs/keep\n./logs/keep/b.log\n./other\n./sub\n./sub/f')
assert_eq "$visible" "$(cat "$rootfs/seen-ro")" "a read-only bind of the context hides what .dockerignore excludes"
assert_eq "$(printf '%s\nmine' "$visible")" "$(cat "$rootfs/seen-rw")" \
  "an rw bind hides it too, and a RUN may write over a hidden name"
assert_eq "SECRET=1" "$(cat "$ign/.env")" "the context's ignored file is untouched"

# The cache key of a RUN covers what it binds of the context, and only that (.dockerignore applied).
build_json ign2.json "$ign" >/dev/null || fail "rebuilding $ign"
assert_all_cached ign2.json "an unchanged context keeps RUNs with binds cached"
echo changed >"$ign/.env"
echo y >"$ign/node_modules/pkg/i.js"
echo aa >"$ign/logs/a.log"
build_json ign3.json "$ign" >/dev/null || fail "rebuilding $ign after changing ignored files"
assert_all_cached ign3.json "changes to files .dockerignore excludes keep RUNs with binds cached"
echo other2 >"$ign/other"
build_json ign4.json "$ign" >/dev/null || fail "rebuilding $ign after changing a bound file"
assert_ran ign4.json "$(printf '%s\n%s\n%s' "RUN --mount=type=bind,target=/c sh -c 'cd /c && find . | sort >/seen-ro'" \
  "RUN --mount=type=bind,target=/c,rw sh -c 'cd /c && find . | sort >/seen-rw && echo mine >/c/.env && cat /c/.env >>/seen-rw'" \
  "COPY --from=sub /sub-f /sub-f")" \
  "a changed file in the context re-runs the RUNs that bind it, not one that binds another directory"
echo two >"$ign/sub/f"
build_json ign5.json -o "type=oci,dest=$E2E_WORK/ign5.tar" -t run-test:ign5 "$ign" >/dev/null ||
  fail "rebuilding $ign after changing sub/f"
assert_eq "two" "$(cat "$(unpack ign5)/rootfs/sub-f")" "a changed file in a bound directory re-runs the RUN (no stale cache hit)"
printf 'FROM run-base:latest\nRUN --mount=type=bind,source=node_modules,target=/n ls /n\n' >"$ign/Dockerfile.excluded"
if "$MYBUILD" build --progress plain -f "$ign/Dockerfile.excluded" "$ign" >/dev/null 2>"$E2E_WORK/excluded.log"; then
  fail "a bind of a directory .dockerignore excludes succeeded"
fi
assert_contains "$(cat "$E2E_WORK/excluded.log")" "Dockerfile.excluded:2:1" "binding an excluded directory fails at the RUN's location"

#!/usr/bin/env bash
# RUN --mount=type=cache and type=tmpfs options as the Dockerfile reference has them: a new cache is
# 0755 root:root, or has the uid/gid/mode given; the cache persists across steps and builds by id (a
# different seed is a different cache); readonly; from= (with or without source=) seeds a new cache from a
# stage without changing the stage; source= without from= is a directory inside the cache;
# sharing=locked serialises concurrent builds; tmpfs size= limits the tmpfs. Nothing of a cache or tmpfs
# reaches the image.
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/run.bash"
require_root
cd "$E2E_WORK"
import_busybox run-base:latest

mkdir -p ctx
cat >ctx/Dockerfile <<'EOF'
FROM run-base:latest AS seed
RUN mkdir -p /data/sub /cache && echo seeded >/data/seedfile && echo precache >/cache/p

FROM run-base:latest
RUN --mount=type=cache,target=/c stat -c '%u %g %a' /c >/default-stat
RUN --mount=type=cache,uid=10,gid=20,mode=0700,target=/cache stat -c '%u %g %a' /cache >/owned-stat
RUN --mount=type=cache,id=one,target=/a sh -c 'echo hi >/a/f'
RUN --mount=type=cache,id=one,target=/b,ro sh -c '\
    cat /b/f >/persist; if touch /b/x 2>/dev/null; then echo writable; else echo read-only; fi >/ro'
RUN --mount=type=cache,id=one,uid=5,target=/c sh -c 'ls -A /c | wc -l >/other-seed; stat -c %u /c >>/other-seed'
RUN --mount=type=cache,from=seed,source=/data,target=/s sh -c 'cat /s/seedfile >/from-seed; echo w >/s/written'
RUN --mount=type=cache,from=seed,source=/data,target=/s cat /s/written >/from-seed-persist
RUN --mount=type=cache,from=seed,uid=7,target=/s cat /s/p >/from-cache-dir
RUN --mount=type=bind,from=seed,target=/b sh -c 'if [ -e /b/data/written ]; then echo changed; else echo unchanged; fi >/seed-after'
RUN --mount=type=cache,id=one,source=sub/dir,target=/d sh -c 'echo in-sub >/d/f'
RUN --mount=type=cache,id=one,target=/e cat /e/sub/dir/f >/sub-seen
RUN --mount=type=tmpfs,size=1m,target=/t sh -c '\
    df -k /t | tail -n 1 | awk "{print \$2}" >/tmpfs; \
    if dd if=/dev/zero of=/t/big bs=1024 count=2048 2>/dev/null; then echo fits; else echo full; fi >>/tmpfs'
RUN --mount=type=tmpfs,target=/t sh -c 'touch /t/x && echo writable >>/tmpfs'
EOF

build_oci cache ctx >/dev/null
rootfs=$(unpack cache)/rootfs
assert_eq "0 0 755" "$(cat "$rootfs/default-stat")" "a new cache is 0755 root:root"
assert_eq "10 20 700" "$(cat "$rootfs/owned-stat")" "uid, gid and mode give a new cache its owner and mode"
assert_eq "hi" "$(cat "$rootfs/persist")" "a cache persists between steps by id (another target)"
assert_eq "read-only" "$(cat "$rootfs/ro")" "ro makes a cache mount read-only"
assert_eq "$(printf '0\n5')" "$(cat "$rootfs/other-seed")" "the same id with another uid is another (new, empty) cache"
assert_eq "seeded" "$(cat "$rootfs/from-seed")" "from= with source= seeds a new cache from the stage's directory"
assert_eq "w" "$(cat "$rootfs/from-seed-persist")" "a seeded cache keeps what a RUN wrote into it"
assert_eq "precache" "$(cat "$rootfs/from-cache-dir")" "from= with uid and no source seeds from the stage's /cache"
assert_eq "unchanged" "$(cat "$rootfs/seed-after")" "writes into a seeded cache never reach the stage"
assert_eq "in-sub" "$(cat "$rootfs/sub-seen")" "source= without from= is a directory inside the cache, made when missing"
assert_eq "$(printf '1024\nfull\nwritable')" "$(cat "$rootfs/tmpfs")" "tmpfs size= limits it (1m), a tmpfs is writable"
for entry in c cache a b s d e t; do
  [ ! -e "$rootfs/$entry" ] || fail "/$entry (a cache or tmpfs mount target) is in the image"
done
pass "no cache or tmpfs mount target is in the image"
assert_root_clean "no mount or active snapshot is left after cache mounts"

# Caches outlive the build: another build reads what the first wrote.
mkdir -p ctx2
printf 'FROM run-base:latest\nRUN --mount=type=cache,id=one,target=/x cat /x/f >/again\n' >ctx2/Dockerfile
build_oci again ctx2 >/dev/null
assert_eq "hi" "$(cat "$(unpack again)/rootfs/again")" "a cache persists across builds"

# sharing=locked: three builds at once, each holding the cache for a second; none overlaps another.
mkdir -p locked
cat >locked/Dockerfile <<'EOF'
FROM run-base:latest
ARG N
RUN --mount=type=cache,id=lk,sharing=locked,target=/c sh -c '\
    if [ -e /c/busy ]; then echo overlap >>/c/log; fi; touch /c/busy; sleep 1; rm /c/busy; echo "done $N" >>/c/log'
EOF
pids=()
for n in 1 2 3; do
  "$MYBUILD" build --progress plain --build-arg N=$n locked >/dev/null 2>"locked$n.log" & pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid" || { cat locked*.log >&2; fail "a concurrent build with a locked cache fails"; }; done
mkdir -p readlog
printf 'FROM run-base:latest\nRUN --mount=type=cache,id=lk,sharing=locked,target=/c cat /c/log >/log\n' >readlog/Dockerfile
build_oci readlog readlog >/dev/null
log=$(cat "$(unpack readlog)/rootfs/log")
assert_eq "$(printf 'done 1\ndone 2\ndone 3')" "$(sort <<<"$log")" "sharing=locked: three concurrent builds each ran once, none overlapping another"

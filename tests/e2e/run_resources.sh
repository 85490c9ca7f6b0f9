#!/usr/bin/env bash
# RUN resource knobs as docker build has them (issue 12, item 7): --ulimit (repeatable) reaches every RUN,
# --shm-size sizes /dev/shm (64 MiB, BuildKit's default, without it), --cgroup-parent needs cgroup v2; the
# same through `mybuild run` with --pids-limit and --memory. Bad values are usage errors naming the flag
# and what was expected, before anything runs.
source "$MYBUILD_E2E_LIB"
require_root
cd "$E2E_WORK"
import_busybox localhost/res-base:1

mkdir ctx
cat >ctx/Dockerfile <<'DOCKERFILE'
FROM localhost/res-base:1
RUN mkdir /out && ulimit -n >/out/nofile && ulimit -Hn >/out/nofile-hard \
 && df -k /dev/shm | awk 'NR == 2 {print $2}' >/out/shm-kib
USER 4321
# More processes than nproc allows (uid 4321 has no other process on the host): some forks fail.
RUN ulimit -u >/tmp/nproc; i=0; while [ $i -lt 40 ]; do (sleep 2 &) 2>>/tmp/fork-errors; i=$((i+1)); done; \
    grep -c "can't fork\|Resource temporarily unavailable" /tmp/fork-errors >/tmp/failed-forks || true
DOCKERFILE

"$MYBUILD" build --progress plain --ulimit nofile=1024:2048 --ulimit nproc=20 --shm-size 128m \
  -o type=local,dest=limited ctx >limited.log 2>&1 || { cat limited.log; fail "the build with --ulimit and --shm-size"; }
assert_eq 1024 "$(cat limited/out/nofile)" "--ulimit nofile=1024:2048: ulimit -n in RUN"
assert_eq 2048 "$(cat limited/out/nofile-hard)" "--ulimit nofile=1024:2048: the hard limit"
assert_eq 131072 "$(cat limited/out/shm-kib)" "--shm-size 128m: /dev/shm is 128 MiB"
assert_eq 20 "$(cat limited/tmp/nproc)" "--ulimit nproc=20 in a RUN as another user"
[ "$(cat limited/tmp/failed-forks)" -gt 0 ] || fail "forks over nproc=20 fail (errors: $(cat limited/tmp/fork-errors))"
pass "forks over the nproc limit fail"

"$MYBUILD" build --progress plain --no-cache -o type=local,dest=default ctx >default.log 2>&1 ||
  { cat default.log; fail "the build without resource flags"; }
assert_eq 65536 "$(cat default/out/shm-kib)" "/dev/shm is 64 MiB by default (BuildKit's size)"
assert_eq "$(ulimit -n)" "$(cat default/out/nofile)" "without --ulimit, RUN inherits the open-files limit"

usage_error() {  # usage_error NEEDLE ARGS...: the build refuses the flags with exit 2 and a message
  local needle=$1 err code
  shift
  set +e
  err=$("$MYBUILD" build --progress plain "$@" ctx 2>&1); code=$?
  set -e
  assert_eq 2 "$code" "$* is a usage error (exit 2)"
  assert_contains "$err" "$needle" "$*: says what was expected"
  case "$err" in *Dockerfile:*) fail "$*: the error names no file" ;; esac
}
usage_error 'invalid argument "nofile=lots" for "--ulimit" flag: expected NAME=SOFT[:HARD]' --ulimit nofile=lots
usage_error 'unknown ulimit "openfiles"' --ulimit openfiles=10
usage_error 'the soft limit 10 is above the hard limit 5' --ulimit nofile=10:5
usage_error 'invalid argument "12q" for "--shm-size" flag: expected a size above 0 such as 64m' --shm-size 12q
usage_error 'for "--cgroup-parent" flag: expected a path below the cgroup v2 root without ".."' --cgroup-parent ../x

cgroup_v2=false
[ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ] && cgroup_v2=true
if ! $cgroup_v2; then
  usage_error '--cgroup-parent needs the unified cgroup v2 hierarchy mounted at /sys/fs/cgroup' --cgroup-parent ci
fi

# mybuild run: the same knobs, docker run's exit 125 for a bad value.
out=$("$MYBUILD" run --rm --ulimit nofile=256:512 --shm-size 16m localhost/res-base:1 \
  sh -c 'echo $(ulimit -n) $(ulimit -Hn) $(df -k /dev/shm | awk "NR == 2 {print \$2}")')
assert_eq "256 512 16384" "$out" "mybuild run --ulimit and --shm-size"
set +e
err=$("$MYBUILD" run --rm --memory 1k localhost/res-base:1 true 2>&1); code=$?
set -e
assert_eq 125 "$code" "mybuild run --memory 1k exits 125"
assert_contains "$err" 'invalid argument "1k" for "--memory" flag: the minimum memory limit is 6m' "run --memory: says what was expected"
set +e
err=$("$MYBUILD" run --rm --pids-limit many localhost/res-base:1 true 2>&1); code=$?
set -e
assert_eq 125 "$code" "mybuild run --pids-limit many exits 125"
assert_contains "$err" '"--pids-limit" flag: expected a number of processes' "run --pids-limit: says what was expected"

if $cgroup_v2; then
  out=$("$MYBUILD" run --rm --pids-limit 20 localhost/res-base:1 \
    sh -c 'i=0; while [ $i -lt 40 ]; do (sleep 2 &) 2>>/tmp/e; i=$((i+1)); done; grep -c "fork" /tmp/e || true')
  [ "$out" -gt 0 ] || fail "forks over --pids-limit 20 fail"
  pass "--pids-limit 20 bounds the container's processes"
  "$MYBUILD" build --progress plain --no-cache --cgroup-parent mybuild-e2e ctx >cg.log 2>&1 || { cat cg.log; fail "--cgroup-parent"; }
  pass "a build with --cgroup-parent"
  [ -z "$(ls -d /sys/fs/cgroup/mybuild-e2e/mybuild-run-* 2>/dev/null)" ] || fail "the step cgroups are removed"
  rmdir /sys/fs/cgroup/mybuild-e2e 2>/dev/null || true
else
  set +e
  err=$("$MYBUILD" run --rm --pids-limit 20 localhost/res-base:1 true 2>&1); code=$?
  set -e
  assert_eq 125 "$code" "without cgroup v2, --pids-limit fails"
  assert_contains "$err" "--pids-limit needs the unified cgroup v2 hierarchy" "the error says what the flag needs"
  echo "skipped: the cgroup limits themselves (this host has no cgroup v2 hierarchy at /sys/fs/cgroup)"
fi

#!/usr/bin/env bash
# A failing step cancels the others cleanly (the running one stops, nothing stays mounted, no sandbox
# process survives, exit 1); with --keep-going an independent stage still finishes.
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/solver.bash"
cd "$E2E_WORK"
import_busybox base:latest

# The slow step's command line carries a token of this run, so that looking for its process finds no
# other test's.
token=$(basename "$E2E_WORK")
mkdir ctx
cat >ctx/Dockerfile <<EOF2
FROM base:latest AS slow
RUN sleep 6 && echo slow-$token >/slow
FROM base:latest AS bad
RUN sleep 1 && printf 'failing \033[2Jnow\n' && exit 3
FROM base:latest
COPY --from=slow /slow /slow
COPY --from=bad /etc/passwd /passwd
EOF2

set +e
build_json fail.json -j 4 ctx >/dev/null
code=$?
set -e
assert_eq 1 "$code" "a failing RUN makes the build exit 1"
assert_contains "$(steps_in error fail.json)" "RUN sleep 1 && printf 'failing " "the failing step reports an error"
assert_contains "$(jq -rR 'fromjson? | select(.state? == "error") | .error' fail.json)" "exited with code 3" \
  "the error says how the command ended"
assert_contains "$(steps_in canceled fail.json)" "RUN sleep 6 && echo slow-$token >/slow" "the running independent step is canceled"
[ -z "$(steps_in done fail.json | grep 'COPY --from' || true)" ] || fail "steps after the failure never start"
pass "steps that need the failed one never start"
assert_eq 1 "$(summary_of failed fail.json)" "the summary counts one failure"
grep -q '^error: .*exited with code 3' fail.json || fail "the build ends with the error on stderr"
pass "the build ends with the error on stderr"
grep -q 'failing  \[2Jnow' fail.json || fail "the error repeats the step's last output lines"
grep -q $'\e' fail.json && fail "the error carries no escape sequence from the step's output"
pass "the error repeats the step's output without its escape sequences"
no_mounts_under "$MYBUILD_ROOT" || fail "mounts are left under the root after a failure"
pass "no mounts left after a failure"
pgrep -f "slow-$token" >/dev/null && fail "the canceled RUN's process is still alive"
pass "no sandbox process survives"

set +e
build_json keep.json -j 4 --keep-going ctx >/dev/null
code=$?
set -e
assert_eq 1 "$code" "with --keep-going the build still fails"
assert_contains "$(steps_in done keep.json)" "RUN sleep 6 && echo slow-$token >/slow" "with --keep-going the independent stage finishes"
assert_contains "$(steps_in error keep.json)" "RUN sleep 1 && printf 'failing " "… and the failure is reported"
no_mounts_under "$MYBUILD_ROOT" || fail "mounts are left under the root after --keep-going"
pass "no mounts left after --keep-going"

# The finished stage was recorded: a fixed Dockerfile reuses it.
sed -i 's/exit 3/true/' ctx/Dockerfile
build_json fixed.json ctx >/dev/null || fail "the fixed build fails"
assert_contains "$(steps_in cached fixed.json)" "RUN sleep 6 && echo slow-$token >/slow" "what --keep-going finished is cached"

# SIGTERM (SIGINT too, but a background job of a script ignores SIGINT) while a step runs: the step is
# canceled, nothing stays mounted, no sandbox process survives.
"$MYBUILD" build --progress rawjson --no-cache -j 4 ctx >/dev/null 2>interrupt.json &
pid=$!
for _ in $(seq 1 200); do
  grep -q 'RUN sleep 6' <<<"$(steps_in running interrupt.json)" && break
  sleep 0.05
done
grep -q 'RUN sleep 6' <<<"$(steps_in running interrupt.json)" || fail "the slow step starts"
kill -TERM "$pid"
set +e
wait "$pid"
code=$?
set -e
[ "$code" -ne 0 ] || fail "an interrupted build fails"
pass "an interrupted build fails (exit $code)"
assert_contains "$(steps_in canceled interrupt.json)" "RUN sleep 6 && echo slow-$token >/slow" "SIGTERM cancels the running step"
grep -q '^error: build interrupted' interrupt.json || fail "an interrupted build says so"
pass "an interrupted build says so"
no_mounts_under "$MYBUILD_ROOT" || fail "mounts are left under the root after SIGTERM"
pass "no mounts left after SIGTERM"
pgrep -f "slow-$token" >/dev/null && fail "the interrupted RUN's process is still alive"
pass "no sandbox process survives SIGTERM"

# SIGKILL while a step runs: the build cannot clean up, the next one does (unmounts and removes the
# killed build's scratch directory) and builds normally.
"$MYBUILD" build --progress rawjson --no-cache -j 4 ctx >/dev/null 2>killed.json &
pid=$!
for _ in $(seq 1 200); do
  grep -q 'RUN sleep 6' <<<"$(steps_in running killed.json)" && break
  sleep 0.05
done
grep -q 'RUN sleep 6' <<<"$(steps_in running killed.json)" || fail "the slow step starts"
kill -KILL "$pid"
wait "$pid" || true
build_json after-kill.json ctx >/dev/null || fail "a build after a killed one fails"
pass "a build after a killed one succeeds"
no_mounts_under "$MYBUILD_ROOT" || fail "the killed build's mounts are left after the next build"
pass "the next build unmounts what the killed build left"
[ ! -e "$MYBUILD_ROOT/tmp/build-$pid" ] || fail "the killed build's scratch directory is left"
pass "the next build removes the killed build's scratch directory"
pgrep -f "slow-$token" >/dev/null && fail "the killed build's RUN process is still alive"
pass "no sandbox process survives its build being killed"

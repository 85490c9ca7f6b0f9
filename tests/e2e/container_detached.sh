#!/usr/bin/env bash
# Detached containers and their lifecycle, as docker's: `run -d` prints the 64-hex id and returns while a
# monitor holds the container; `ps [-a] [-q]` shows its state; `logs [-f] [--tail N]` its output (stdout
# and stderr apart); `stop` (the image's StopSignal, SIGKILL after -t), `kill -s`, `wait` (exit codes),
# `start`, `restart`, `rm [-f]`; names and id prefixes; a monitor killed with -9 (the container dies
# with it, `ps` shows it exited, `rm` cleans it). After each case: nothing mounted under the root, no
# process of the container or its monitor alive.
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/containers.bash"
container_test_setup
require_tool pgrep
require_tool jq
build_image ctr-app:1 'FROM ctr-base:latest
RUN echo built-in-the-test >/etc/app-message
STOPSIGNAL SIGUSR1
CMD ["sh", "-c", "trap \"echo got-usr1; exit 4\" USR1; cat /etc/app-message; echo to-err >&2; while :; do sleep 0.1; done"]'

state_of() { jq -r .state "$MYBUILD_ROOT/containers/$1/state.json"; }
monitor_of() { jq -r .monitor_pid "$MYBUILD_ROOT/containers/$1/state.json"; }
# assert_gone WHAT ID: no process of the container or its monitor is alive, nothing is mounted.
assert_gone() {
  if pgrep -f "container-monitor.*$2" >/dev/null; then fail "$1: the monitor of $2 is still alive"; fi
  assert_no_leaks "$1" "${3:-}"
}

# run -d, ps, logs.
id=$("$MYBUILD" run -d --name app ctr-app:1)
[[ "$id" =~ ^[0-9a-f]{64}$ ]] || fail "run -d prints a 64-hex id, got [$id]"
pass "run -d prints a 64-hex id"
wait_until "the output is logged" grep -q to-err "$MYBUILD_ROOT/containers/$id/container.log"
assert_eq "running" "$(state_of "$id")" "the state file says running"
assert_eq "mybuild-monitor" "$(tr '\0' '\n' <"/proc/$(monitor_of "$id")/cmdline" | head -n 1)" \
  "the monitor has become the small mybuild-monitor"
rss_kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$(monitor_of "$id")/status")
echo "monitor RSS: ${rss_kb} kB (bench/monitor_memory.sh measures 20)"
"$MYBUILD" ps >ps.txt
assert_eq "CONTAINER ID   IMAGE" "$(head -n 1 ps.txt | cut -c1-20)" "ps has docker's header"
row=$(sed -n 2p ps.txt)
[[ "$row" == "${id:0:12}   ctr-app:1   \"sh -c trap \"echo go…\"   "*" ago   Up "*"   app" ]] ||
  fail "ps shows the running container as docker does: $(cat ps.txt)"
pass "ps shows the running container as docker does"
assert_eq "${id:0:12}" "$("$MYBUILD" ps -q)" "ps -q prints the short id"
"$MYBUILD" logs app >logs.out 2>logs.err
assert_eq "built-in-the-test" "$(cat logs.out)" "logs: the container's stdout"
assert_eq "to-err" "$(cat logs.err)" "logs: its stderr, apart"
head -n 1 "$MYBUILD_ROOT/containers/$id/container.log" | jq -e '.stream == "stdout" and .log == "built-in-the-test\n" and (.time | test("^[0-9-]+T[0-9:.]+Z$"))' >/dev/null ||
  fail "the log is docker's json-file lines: $(head -n 1 "$MYBUILD_ROOT/containers/$id/container.log")"
pass "the log is docker's json-file lines"
assert_eq 125 "$(run_status -d --name app ctr-app:1)" "a name in use: 125"

# logs -f follows until the container stops; stop uses the image's StopSignal (USR1: exit 4).
"$MYBUILD" logs -f "${id:0:7}" >follow.out 2>/dev/null &
follower=$!
"$MYBUILD" stop app >stop.out || fail "stop"
assert_eq "app" "$(cat stop.out)" "stop prints the name it was given"
wait "$follower" || fail "logs -f ends with the container"
assert_eq "built-in-the-test
got-usr1" "$(cat follow.out)" "logs -f shows the output up to the end"
assert_eq "exited" "$(state_of "$id")" "the state file says exited"
assert_eq 4 "$(jq -r .exit_code "$MYBUILD_ROOT/containers/$id/state.json")" "the state file has the exit code"
assert_eq 4 "$("$MYBUILD" wait app)" "wait prints the exit code of an exited container"
"$MYBUILD" ps >ps.txt
assert_eq 1 "$(wc -l <ps.txt)" "ps leaves out exited containers"
"$MYBUILD" ps -a >ps.txt
grep -Eq "   Exited \(4\) .* ago +app\$" ps.txt || fail "ps -a shows Exited (4): $(cat ps.txt)"
pass "ps -a shows Exited (4)"
assert_gone "stop" "$id"

# start, kill -s, restart, --tail.
"$MYBUILD" start app >/dev/null || fail "start"
assert_eq "running" "$(state_of "$id")" "start runs it again"
wait_until "the second start is logged" test "$(grep -c to-err "$MYBUILD_ROOT/containers/$id/container.log")" = 2
assert_eq "to-err" "$("$MYBUILD" logs --tail 1 app 2>&1)" "logs --tail 1: the last line only"
assert_eq "built-in-the-test" "$("$MYBUILD" logs --tail 2 app 2>/dev/null)" "logs --tail 2: the last two (stdout's here)"
"$MYBUILD" kill -s USR1 app >/dev/null || fail "kill -s USR1"
assert_eq 4 "$("$MYBUILD" wait app)" "kill -s USR1 reaches the trap; wait prints its exit code"
status=0
"$MYBUILD" kill app >/dev/null 2>err || status=$?
assert_eq 1 "$status" "kill of a stopped container: 1"
grep -q "is not running" err || fail "kill says the container is not running"
pass "kill says the container is not running"
"$MYBUILD" restart app >/dev/null || fail "restart"
assert_eq "running" "$(state_of "$id")" "restart runs it"
"$MYBUILD" kill app >/dev/null || fail "kill"
assert_eq 137 "$("$MYBUILD" wait app)" "kill sends SIGKILL: 137"
assert_gone "start, kill, restart" "$id"

# stop -t: a container ignoring its stop signal is killed after the timeout.
token="ignore-$$-$RANDOM"
id2=$("$MYBUILD" run -d ctr-base:latest sh -c "trap '' TERM; while :; do sleep 0.1; done; : $token")
"$MYBUILD" stop -t 1 "${id2:0:12}" >/dev/null || fail "stop -t 1"
assert_eq 137 "$("$MYBUILD" wait "$id2")" "stop -t 1: SIGKILL after the timeout (137)"
assert_gone "stop -t" "$id2" "$token"

# wait: exit codes.
for code in 0 3; do
  cid=$("$MYBUILD" run -d ctr-base:latest sh -c "exit $code")
  assert_eq "$code" "$("$MYBUILD" wait "$cid")" "wait prints exit code $code"
  "$MYBUILD" rm "$cid" >/dev/null || fail "rm"
done
cid=$("$MYBUILD" run -d ctr-base:latest sh -c 'echo attached-run; exit 6')
assert_eq 6 "$("$MYBUILD" wait "$cid")" "wait: 6"
status=0
"$MYBUILD" start -a "$cid" >attached.out 2>/dev/null || status=$?
assert_eq 6 "$status" "start -a exits with the container's status"
assert_eq "attached-run" "$(cat attached.out)" "start -a prints this run's output only"
"$MYBUILD" rm "$cid" >/dev/null || fail "rm"
assert_eq 127 "$(run_status -d ctr-base:latest no-such-command)" "run -d of a command not found: 127"
grep -q 'executable file not found' err || fail "the 127 says so"
pass "the 127 says so"

# Unknown names: one line, exit 1.
for command in stop kill wait rm logs start restart; do
  status=0
  "$MYBUILD" "$command" no-such-container >/dev/null 2>err || status=$?
  assert_eq 1 "$status" "$command of an unknown container: 1"
  assert_eq "1" "$(wc -l <err)" "$command: a one-line error"
  grep -q "no such container: no-such-container" err || fail "$command: the error names it: $(cat err)"
done

# rm: a running container needs -f; rm removes snapshot, state and log.
token="rm-$$-$RANDOM"
id3=$("$MYBUILD" run -d ctr-base:latest sh -c "while :; do sleep 0.1; done; : $token")
status=0
"$MYBUILD" rm "$id3" >/dev/null 2>err || status=$?
assert_eq 1 "$status" "rm of a running container without -f: 1"
"$MYBUILD" rm -f "$id3" >/dev/null || fail "rm -f"
[ ! -e "$MYBUILD_ROOT/containers/$id3" ] || fail "rm -f removes the record"
pass "rm -f removes the record"
assert_gone "rm -f" "$id3" "$token"
"$MYBUILD" rm app >/dev/null || fail "rm app"
[ ! -e "$MYBUILD_ROOT/containers/$id" ] || fail "rm removes the record"
metadata=$(find "$MYBUILD_ROOT/snapshots" -name metadata.json | head -n 1)
assert_eq 0 "$(jq -r '.snapshots | keys[]' "$metadata" | grep -c "^container-$id" || true)" "rm removes the snapshot"

# run -d --rm: the container is removed when it exits.
cid=$("$MYBUILD" run -d --rm ctr-base:latest sh -c 'sleep 0.2')
wait_until "the --rm container is removed" test ! -e "$MYBUILD_ROOT/containers/$cid"
pass "run -d --rm removes the container when it exits"
assert_gone "--rm" "$cid"

# A monitor killed with SIGKILL: the container dies with it; ps shows it exited; rm cleans it.
token="orphan-$$-$RANDOM"
id4=$("$MYBUILD" run -d ctr-base:latest sh -c "while :; do sleep 0.1; done; : $token")
kill -9 "$(monitor_of "$id4")"
no_process() { ! pgrep -f "$1"; }
wait_until "the container dies with its monitor" no_process "$token"
"$MYBUILD" ps -a >ps.txt
grep -Eq "^${id4:0:12} .*   Exited \(137\) " ps.txt || fail "ps -a shows the container exited (137): $(cat ps.txt)"
pass "ps -a shows the container exited (137)"
"$MYBUILD" rm "$id4" >/dev/null || fail "rm after the monitor died"
[ ! -e "$MYBUILD_ROOT/containers/$id4" ] || fail "rm cleans it"
pass "rm cleans it"
assert_gone "a monitor killed with -9" "$id4" "$token"
"$MYBUILD" rm $("$MYBUILD" ps -aq) >/dev/null || fail "rm of every container left"
assert_eq "" "$("$MYBUILD" ps -aq)" "no container is left"
assert_eq "" "$(find "$MYBUILD_ROOT/containers" -mindepth 1 -maxdepth 1 -type d)" "no record is left"

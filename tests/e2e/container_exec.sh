#!/usr/bin/env bash
# `exec` into a detached container, as docker exec: the process joins the container's namespaces (its
# files, hostname, PID namespace and network) and is confined as its PID 1 (the default capability
# bounding set, no_new_privs, seccomp); -u (names from the image's /etc/passwd), -w, -e, -i, -t; exit
# codes 0, 7, 127; an exec into a stopped or unknown container is a one-line error, 125; an exec dies
# with its container. The whole flow: run -d, logs -f, exec, stop, rm, with nothing left mounted or running.
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/containers.bash"
require_root
require_tool pgrep
require_tool python3
cd "$E2E_WORK"
import_busybox ctr-base:latest
build_image ctr-exec:1 'FROM ctr-base:latest
RUN mkdir -p /srv && echo from-the-image >/srv/message
ENV APP_MODE=production
WORKDIR /srv
CMD ["sh", "-c", "trap \"exit 0\" TERM; echo started; while :; do if [ -f /srv/ping ]; then echo pong; rm /srv/ping; fi; sleep 0.1; done"]'
driver="$(dirname "$MYBUILD_E2E_LIB")/pty_run.py"

exec_status() {  # exec_status ARGS…: `mybuild exec ARGS…`, stdout in ./out, stderr in ./err; prints the status
  local status=0
  "$MYBUILD" exec "$@" >out 2>err </dev/null || status=$?
  echo "$status"
}

id=$("$MYBUILD" run -d --name svc --hostname svc-host ctr-exec:1)
"$MYBUILD" logs -f svc >follow.out 2>&1 &
follower=$!
wait_for follow.out started

# The container's files, environment, working directory and hostname.
assert_eq "from-the-image" "$("$MYBUILD" exec svc cat message)" "exec runs in the container's working directory, on its files"
assert_eq "production svc-host /srv" "$("$MYBUILD" exec svc sh -c 'echo $APP_MODE $(hostname) $PWD')" \
  "exec has the container's environment, hostname and working directory"
"$MYBUILD" exec svc touch /srv/ping || fail "exec touch"
wait_for follow.out pong
pass "a file written by exec is seen by the container's PID 1 (logs -f shows its answer)"
# Its PID namespace: PID 1 is the container's command.
assert_eq "sh" "$("$MYBUILD" exec svc sh -c 'tr "\0" " " </proc/1/cmdline | cut -d" " -f1')" \
  "exec is in the container's PID namespace (PID 1 is its command)"
# Confined as its PID 1.
assert_eq "00000000a80425fb 1 2" "$("$MYBUILD" exec svc sh -c \
  'echo $(awk "/^CapBnd/ {print \$2}" /proc/self/status) $(awk "/^NoNewPrivs/ {print \$2}" /proc/self/status) $(awk "/^Seccomp:/ {print \$2}" /proc/self/status)')" \
  "exec: the default bounding set, no_new_privs, seccomp"
# -u, -w, -e, -i.
assert_eq "1000 1000 /home/user /tmp on" "$("$MYBUILD" exec -u user -w /tmp -e EXTRA=on svc sh -c 'echo $(id -u) $(id -g) $HOME $PWD $EXTRA')" \
  "exec -u NAME (from the image's passwd) -w -e"
assert_eq "0 overridden" "$("$MYBUILD" exec -e APP_MODE=overridden svc sh -c 'echo $(id -u) $APP_MODE')" "-e replaces the container's value"
assert_eq "through stdin" "$("$MYBUILD" exec -i svc cat <<<"through stdin")" "exec -i passes stdin"
assert_eq "" "$("$MYBUILD" exec svc cat <<<"not for it")" "without -i, stdin is /dev/null"
assert_eq 125 "$(exec_status -u nobody-here svc true)" "an unknown user: 125"
grep -q "unable to find user nobody-here" err || fail "the error names the user"
pass "the error names the user"
# -t: a terminal with the caller's size.
result=$(python3 "$driver" tty.txt 33 97 '[]' "$MYBUILD" exec -t svc stty size)
assert_eq "exit 0" "$(head -n 1 <<<"$result")" "exec -t runs"
grep -q '^33 97' tty.txt || fail "exec -t: a terminal with the caller's size: $(cat tty.txt)"
pass "exec -t: a terminal with the caller's size"
# Exit codes.
assert_eq 0 "$(exec_status svc true)" "exec: exit 0"
assert_eq 7 "$(exec_status svc sh -c 'exit 7')" "exec: the process's status (7)"
assert_eq 127 "$(exec_status svc no-such-command)" "exec of a command not found: 127"
grep -q 'executable file not found' err || fail "the 127 says so"
pass "the 127 says so"
assert_eq 125 "$(exec_status no-such-container true)" "exec into an unknown container: 125"
assert_eq 1 "$(wc -l <err)" "a one-line error"
grep -q "no such container: no-such-container" err || fail "the error names the container"
pass "the error names the container"

# An exec dies with its container; stop ends logs -f.
token="exec-$$-$RANDOM"
"$MYBUILD" exec svc sh -c "sleep 1000; : $token" >/dev/null 2>&1 &
execer=$!
for i in $(seq 100); do pgrep -f "sleep 1000; : $token" >/dev/null && break; sleep 0.1; done
"$MYBUILD" stop svc >/dev/null || fail "stop"
status=0
wait "$execer" || status=$?
assert_eq 137 "$status" "an exec is killed with its container (137)"
wait "$follower" || fail "logs -f ends when the container stops"
pass "logs -f ends when the container stops"
assert_eq 0 "$("$MYBUILD" wait svc)" "the container's trap ran on stop (exit 0)"
assert_eq 125 "$(exec_status svc true)" "exec into a stopped container: 125"
grep -q "is not running" err || fail "the error says the container is not running"
pass "the error says the container is not running"

# --network none: exec joins the container's own network namespace.
nid=$("$MYBUILD" run -d --network none ctr-base:latest sh -c 'while :; do sleep 0.1; done')
assert_eq "lo" "$("$MYBUILD" exec "${nid:0:8}" ls /sys/class/net)" "exec in a --network none container sees only lo"
"$MYBUILD" rm -f "$nid" >/dev/null || fail "rm -f"

"$MYBUILD" rm svc >/dev/null || fail "rm"
[ ! -e "$MYBUILD_ROOT/containers/$id" ] || fail "rm removes the container"
pass "rm removes the container"
if pgrep -f "container-monitor" | grep -q .; then
  pgrep -af container-monitor | grep -q "$E2E_WORK" && fail "a monitor of this test is still alive"
fi
assert_no_leaks "exec" "$token"

#!/usr/bin/env bash
# `run --init` (docker's tini): a minimal init (the static mybuild-monitor, bound read-only at
# /sbin/mybuild-init) is PID 1 and runs the command as its child; it reaps orphans, forwards signals
# (so a command without a SIGTERM handler still stops on SIGTERM: 143, not the stop timeout's 137), and
# exits with the command's status (127 when it is not found). The init program cannot be changed from
# inside the container. After each case nothing is mounted under the root and nothing is running.
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/containers.bash"
require_root
require_tool pgrep
cd "$E2E_WORK"
import_busybox ctr-base:latest

assert_eq "/sbin/mybuild-init init -- sh -c" "$("$MYBUILD" run --rm --init ctr-base:latest sh -c \
  'tr "\0" " " </proc/1/cmdline | cut -d" " -f1-5; true')" "--init: PID 1 is the init, the command its argument"
assert_eq 3 "$(run_status --rm --init ctr-base:latest sh -c 'exit 3')" "--init exits with the command's status"
assert_eq 127 "$(run_status --rm --init ctr-base:latest no-such-command)" "--init: a command not found is 127"
assert_eq 0 "$("$MYBUILD" run --rm --init ctr-base:latest sh -c '(sleep 0.1 &); sleep 0.6; ps -o stat | grep -c "^Z"; true')" \
  "--init reaps orphaned processes (no zombie left)"
before=$(sha256sum "$(dirname "$MYBUILD")/mybuild-monitor" | cut -d' ' -f1)
assert_eq 1 "$(run_status --rm --init ctr-base:latest sh -c 'echo x >/sbin/mybuild-init')" \
  "the init program is read-only in the container"
assert_eq "$before" "$(sha256sum "$(dirname "$MYBUILD")/mybuild-monitor" | cut -d' ' -f1)" "the host's program is unchanged"
assert_no_leaks "--init in the foreground"

# Detached: SIGTERM reaches a command without a handler through the init.
token="init-$$-$RANDOM"
id=$("$MYBUILD" run -d --init ctr-base:latest sh -c "sleep 1000; : $token")
"$MYBUILD" stop -t 30 "$id" >/dev/null || fail "stop"
assert_eq 143 "$("$MYBUILD" wait "$id")" "stop: SIGTERM forwarded by the init ends the command (143), no kill"
"$MYBUILD" kill -s USR1 "$id" >/dev/null 2>&1 && fail "kill of a stopped container must fail"
id2=$("$MYBUILD" run -d --init ctr-base:latest sh -c "trap 'exit 9' USR1; while :; do sleep 0.1; done; : $token")
for i in $(seq 50); do pgrep -f "$token" >/dev/null && break; sleep 0.1; done
sleep 0.3
"$MYBUILD" kill -s USR1 "$id2" >/dev/null || fail "kill -s USR1"
assert_eq 9 "$("$MYBUILD" wait "$id2")" "kill -s USR1 is forwarded by the init to the command"
"$MYBUILD" rm "$id" "$id2" >/dev/null || fail "rm"
assert_no_leaks "--init detached" "$token"

#!/usr/bin/env bash
# `mybuild run`: the container's process from the image config and the flags, checked against docker's
# documented results: the ENTRYPOINT/CMD table of the Dockerfile reference ("Understand how CMD and
# ENTRYPOINT interact") with the run-time overrides (arguments after IMAGE, --entrypoint), and Env, -e,
# --env-file, User, -u, WorkingDir, -w, --hostname. Every run is --rm: nothing may stay behind.
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/containers.bash"
require_root
cd "$E2E_WORK"
import_busybox ctr-base:latest

# /bin/show prints its arguments, so that the output shows exactly what was executed.
base='FROM ctr-base:latest
RUN printf "#!/bin/sh\necho \"show:\$*\"\n" >/bin/show && chmod 755 /bin/show'
build_image ctr:none "$base"
build_image ctr:cmd-exec "$base
CMD [\"show\", \"p1_cmd\"]"
build_image ctr:cmd-shell "$base
CMD show p1_cmd"
build_image ctr:entry-shell "$base
ENTRYPOINT show p1_entry"
build_image ctr:entry-shell-cmd "$base
ENTRYPOINT show p1_entry
CMD [\"exec_cmd\", \"p1_cmd\"]"
build_image ctr:entry-exec "$base
ENTRYPOINT [\"show\", \"p1_entry\"]"
build_image ctr:entry-exec-cmd-exec "$base
ENTRYPOINT [\"show\", \"p1_entry\"]
CMD [\"exec_cmd\", \"p1_cmd\"]"
build_image ctr:entry-exec-cmd-shell "$base
ENTRYPOINT [\"show\", \"p1_entry\"]
CMD exec_cmd p1_cmd"

# image | run arguments (after --rm, split on spaces; "-" for none) | expected stdout | expected status
# The first eight rows are the reference's table; the others its run-time rules.
table='none|-|<error>|125
cmd-exec|-|show:p1_cmd|0
cmd-shell|-|show:p1_cmd|0
entry-shell|-|show:p1_entry|0
entry-shell-cmd|-|show:p1_entry|0
entry-exec|-|show:p1_entry|0
entry-exec-cmd-exec|-|show:p1_entry exec_cmd p1_cmd|0
entry-exec-cmd-shell|-|show:p1_entry /bin/sh -c exec_cmd p1_cmd|0
cmd-exec|@ show a b|show:a b|0
entry-exec-cmd-exec|@ a b|show:p1_entry a b|0
entry-shell|@ a b|show:p1_entry|0
entry-exec-cmd-exec|--entrypoint show @|show:|0
entry-exec-cmd-exec|--entrypoint show @ x y|show:x y|0
entry-exec-cmd-exec|--entrypoint= @ echo plain|plain|0
entry-exec|--entrypoint= @|<error>|125
cmd-exec|--entrypoint echo @ -n|<empty>|0'
while IFS='|' read -r image args expected status; do
  words=()
  if [ "$args" != "-" ]; then
    for word in $args; do
      if [ "$word" = "@" ]; then words+=("ctr:$image"); else words+=("$word"); fi
    done
  else
    words=("ctr:$image")
  fi
  got=$(run_status --rm "${words[@]}")
  what="run ${words[*]}"
  assert_eq "$status" "$got" "$what: exit status"
  case "$expected" in
    "<error>") grep -q 'no command specified' err || fail "$what: says no command was specified"; pass "$what: error says why" ;;
    "<empty>") assert_eq "" "$(cat out)" "$what: output" ;;
    *) assert_eq "$expected" "$(cat out)" "$what: output" ;;
  esac
done <<<"$table"

# Env: the image's, then --env-file, then -e (a later key replaces an earlier one); -e KEY from the
# caller's environment, dropped when the caller has none; HOSTNAME and HOME as docker sets them.
build_image ctr:env "FROM ctr-base:latest
ENV A=image B=image PATH=/usr/bin:/bin"
printf '# a comment\n\n  B=file\nD=file\nFROM_CALLER\n' >envfile
FROM_CALLER=caller C=caller-c "$MYBUILD" run --rm --hostname box --env-file envfile -e C -e D=flag -e UNSET_HERE \
  ctr:env env >out </dev/null || fail "run with env flags"
env_out=$(sort out | tr '\n' ' ')
assert_eq "A=image B=file C=caller-c D=flag FROM_CALLER=caller HOME=/root HOSTNAME=box PATH=/usr/bin:/bin " \
  "$env_out" "environment: image, --env-file, -e, HOSTNAME, HOME"
status=$(run_status --rm -e 'BAD NAME=1' ctr:env true)
assert_eq 125 "$status" "-e with whitespace in the name: 125"

# User: the image's USER by name, -u by name, name:group, uid, uid:gid; HOME from /etc/passwd.
build_image ctr:user "FROM ctr-base:latest
USER user
WORKDIR /srv/app"
assert_eq "1000 1000 /home/user" "$("$MYBUILD" run --rm ctr:user sh -c 'echo $(id -u) $(id -g) $HOME')" "the image's USER"
assert_eq "0 0 /root" "$("$MYBUILD" run --rm -u root ctr:user sh -c 'echo $(id -u) $(id -g) $HOME')" "-u root"
assert_eq "1000 50" "$("$MYBUILD" run --rm -u user:staff ctr:user sh -c 'echo $(id -u) $(id -g)')" "-u name:group"
assert_eq "1234 0 /" "$("$MYBUILD" run --rm -u 1234 ctr:user sh -c 'echo $(id -u) $(id -g) $HOME')" "-u uid (gid 0, HOME /)"
assert_eq "1234 4321" "$("$MYBUILD" run --rm -u 1234:4321 ctr:user sh -c 'echo $(id -u) $(id -g)')" "-u uid:gid"
assert_eq "50 1000" "$("$MYBUILD" run --rm ctr:user id -G | tr ' ' '\n' | sort -n | tr '\n' ' ' | sed 's/ $//')" \
  "supplementary groups from /etc/group"
status=$(run_status --rm -u nosuch ctr:user true)
assert_eq 125 "$status" "-u of an unknown user: 125"
grep -q 'unable to find user nosuch' err || fail "the error names the unknown user"
pass "the error names the unknown user"
status=$(run_status --rm -u user:nogroup-here ctr:user true)
assert_eq 125 "$status" "-u of an unknown group: 125"

# WorkingDir and -w (created when missing, as docker does); a relative -w is an error.
assert_eq "/srv/app" "$("$MYBUILD" run --rm ctr:user pwd)" "the image's WorkingDir"
assert_eq "/tmp/new/dir" "$("$MYBUILD" run --rm -w /tmp/new/dir ctr:user pwd)" "-w, created when missing"
status=$(run_status --rm -w relative ctr:user pwd)
assert_eq 125 "$status" "-w relative: 125"
assert_eq "box" "$("$MYBUILD" run --rm --hostname box ctr:user hostname)" "--hostname"
short=$("$MYBUILD" run --rm ctr:user hostname)
[[ "$short" =~ ^[0-9a-f]{12}$ ]] || fail "the default hostname is the short container id, got [$short]"
pass "the default hostname is the short container id"

# --rm leaves no record; nothing is mounted.
records=$(find "$MYBUILD_ROOT/containers" -mindepth 1 -maxdepth 1 -type d | wc -l)
assert_eq 0 "$records" "--rm containers leave no record"
assert_no_leaks "after every run"

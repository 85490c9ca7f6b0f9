#!/usr/bin/env bash
# `commit` (docker commit): a container's changes (a new file, a changed file, a removed one) become one
# new layer on its image; -c sets CMD / ENV / WORKDIR as docker's --change does, -m and -a land in the
# history and the config; `run` of the committed image sees the changes. A running container can be
# committed too. Errors are one line, exit 1; nothing is left mounted or running.
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/containers.bash"
require_root
require_tool jq
cd "$E2E_WORK"
import_busybox ctr-base:latest
build_image ctr-commit:1 'FROM ctr-base:latest
RUN mkdir -p /srv && echo original >/srv/changed && echo doomed >/srv/removed
CMD ["cat", "/srv/changed"]'
layers_of() { "$MYBUILD" inspect "$1" | jq '.[0].RootFS.Layers | length'; }

"$MYBUILD" run --name changer ctr-commit:1 sh -c 'echo added >/srv/added; echo edited >/srv/changed; rm /srv/removed' \
  || fail "run the changing container"
id=$("$MYBUILD" commit -a "Ann Author <ann@example.com>" -m "my changes" \
  -c 'CMD ["sh", "-c", "cat /srv/added /srv/changed; ls /srv; echo $MODE; pwd"]' -c 'ENV MODE=committed' -c 'WORKDIR /srv' \
  changer ctr-committed:v2) || fail "commit"
assert_contains "$id" "sha256:" "commit prints the new image's ID"
assert_eq "$(( $(layers_of ctr-commit:1) + 1 ))" "$(layers_of ctr-committed:v2)" "commit adds exactly one layer"
assert_eq "my changes|Ann Author <ann@example.com>" "$("$MYBUILD" inspect ctr-committed:v2 | jq -r '.[0].History[-1].comment + "|" + .[0].Author')" \
  "-m and -a in the new image"
"$MYBUILD" run --rm ctr-committed:v2 >out 2>err || fail "run the committed image: $(cat err)"
assert_eq "added edited added changed committed /srv" "$(tr '\n' ' ' <out | sed 's/ $//')" \
  "run of the committed image: the new and changed files, the removed one gone, -c CMD, ENV and WORKDIR"

# A running container.
"$MYBUILD" run -d --name live ctr-commit:1 sh -c 'echo live >/srv/live; trap "exit 0" TERM; while :; do sleep 0.1; done' >/dev/null || fail "run -d"
wait_until "the live container wrote its file" "$MYBUILD" exec live test -f /srv/live
"$MYBUILD" commit live ctr-live:1 >/dev/null || fail "commit of a running container"
assert_eq "live" "$("$MYBUILD" run --rm ctr-live:1 cat /srv/live)" "a running container's changes are committed"
"$MYBUILD" rm -f live >/dev/null || fail "rm -f live"

# Errors.
commit_status() { local status=0; "$MYBUILD" commit "$@" >out 2>err || status=$?; echo "$status"; }
assert_eq 1 "$(commit_status no-such-container x:1)" "an unknown container: exit 1"
grep -q "no such container: no-such-container" err || fail "the error names the container"
assert_eq 1 "$(commit_status -c 'RUN echo no' changer x:1)" "a --change that is not allowed: exit 1"
grep -q 'RUN cannot be changed' err || fail "the error names the instruction: $(cat err)"
assert_eq 1 "$(wc -l <err)" "a one-line error"
pass "errors name what was wrong"

"$MYBUILD" rm changer >/dev/null || fail "rm"
assert_no_leaks "commit"

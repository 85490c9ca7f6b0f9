#!/usr/bin/env bash
# `top`, `container prune`, `system df`, `system prune`, and the rule that `rmi` and `prune` never take an
# image a container uses: rmi of its last tag needs -f, and after it `prune -a` still keeps the image's
# blobs, so the container starts again; `system prune -a` untags only images no container uses.
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/containers.bash"
container_test_setup
require_tool pgrep
require_tool jq
build_image ctr-admin:1 'FROM ctr-base:latest
RUN echo admin >/marker'
build_image ctr-unused:1 'FROM ctr-base:latest
RUN echo unused >/unused'
token="admin-$$-$RANDOM"

# top: the container's PID 1 and what it started, as the host sees them.
"$MYBUILD" run -d --name topper ctr-admin:1 sh -c "sleep 1000 & trap 'exit 0' TERM; while :; do sleep 0.1; done; : $token" >/dev/null || fail "run -d"
wait_until "the container's sleep runs" sh -c "'$MYBUILD' top topper | grep -q 'sleep 1000'"
top=$("$MYBUILD" top topper) || fail "top"
assert_eq "UID PID PPID C STIME TTY TIME CMD" "$(head -n 1 <<<"$top" | tr -s ' ')" "top prints docker's header"
pid1=$("$MYBUILD" container inspect topper | jq -r '.[0].State.Pid')
grep -Eq "^root +$pid1 " <<<"$top" || fail "top lists the container's PID 1 ($pid1) as root: $top"
grep -q "sleep 1000" <<<"$top" || fail "top lists the process the container started"
grep -q "container-monitor\|mybuild-monitor" <<<"$top" && fail "top lists only the container's processes"
pass "top lists the container's processes and nothing else"

# system df counts them.
df=$("$MYBUILD" system df) || fail "system df"
assert_eq "TYPE TOTAL ACTIVE SIZE RECLAIMABLE" "$(head -n 1 <<<"$df" | tr -s ' ')" "system df's header"
assert_eq "Containers 1 1" "$(grep '^Containers' <<<"$df" | awk '{print $1, $2, $3}')" "system df: one container, running"
grep -Eq '^Images +3 +1 ' <<<"$df" || fail "system df: three images, one in use: $df"
pass "system df counts images in use"

# rmi of an image a container uses: refused without -f, as docker; prune keeps its blobs anyway.
status=0; "$MYBUILD" rmi ctr-admin:1 >out 2>err || status=$?
assert_eq 1 "$status" "rmi of an image a container uses: exit 1"
grep -q "container .* is using its referenced image" err || fail "the error names the container: $(cat err)"
"$MYBUILD" stop topper >/dev/null || fail "stop"
"$MYBUILD" rmi -f ctr-admin:1 >/dev/null || fail "rmi -f"
"$MYBUILD" prune -a >/dev/null || fail "prune -a"
"$MYBUILD" start topper >/dev/null || fail "the container starts again: its image survived prune -a"
assert_eq "admin" "$("$MYBUILD" exec topper cat /marker)" "the container's image is intact after rmi -f and prune -a"
"$MYBUILD" stop topper >/dev/null || fail "stop again"

# container prune: asks first (no answer keeps everything), -f removes the stopped ones only.
"$MYBUILD" run -d --name keeper ctr-unused:1 sh -c "trap 'exit 0' TERM; while :; do sleep 0.1; done; : $token" >/dev/null || fail "run keeper"
"$MYBUILD" container prune </dev/null >out || fail "container prune without an answer"
assert_eq 2 "$("$MYBUILD" ps -aq | wc -l)" "without -f and without a yes, nothing is removed"
echo y | "$MYBUILD" container prune >out || fail "container prune answered y"
grep -q "Deleted Containers:" out || fail "container prune lists what it removed: $(cat out)"
assert_eq "keeper" "$("$MYBUILD" ps -a | awk 'NR>1 {print $NF}')" "only the running container is left"

# system prune -a: untags what no container uses, keeps the image of the running one.
"$MYBUILD" volume create lonely >/dev/null || fail "volume create"
anon=$("$MYBUILD" run -d -v /scratch ctr-unused:1 true) || fail "run with an anonymous volume"
"$MYBUILD" wait "$anon" >/dev/null
anon_volume=$("$MYBUILD" container inspect "$anon" | jq -r '.[0].Mounts[0].Name')
"$MYBUILD" rm "$anon" >/dev/null || fail "rm keeps the anonymous volume"
"$MYBUILD" system prune -a -f --volumes >out || fail "system prune -a -f --volumes"
grep -q "untagged: ctr-base:latest" out || fail "system prune -a untags an image no container uses: $(cat out)"
grep -q "$anon_volume" out || fail "system prune --volumes removes an anonymous volume no container mounts"
"$MYBUILD" volume ls -q | grep -qx lonely || fail "system prune --volumes keeps a named volume (as docker 23+)"
pass "system prune --volumes: anonymous ones go, named ones stay"
"$MYBUILD" volume rm lonely >/dev/null || fail "volume rm lonely"
"$MYBUILD" inspect ctr-unused:1 >/dev/null || fail "system prune -a keeps the tag of an image a container uses"
pass "system prune -a keeps the tag of an image a container uses"
"$MYBUILD" rm -f keeper >/dev/null || fail "rm -f keeper"
assert_no_leaks "admin" "$token"

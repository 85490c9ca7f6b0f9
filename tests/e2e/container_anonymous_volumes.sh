#!/usr/bin/env bash
# Anonymous volumes, as docker makes them: the image's VOLUME paths and `-v /path` get a volume per
# container (named with 64 hex digits), seeded from the image's content there; `rm -v` and `run --rm`
# remove them, `rm` alone keeps them. Containers without --name get docker-style generated names
# (adjective_surname), unique, usable as references.
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/containers.bash"
require_root
require_tool jq
cd "$E2E_WORK"
import_busybox ctr-base:latest
build_image ctr-anon:1 'FROM ctr-base:latest
RUN mkdir -p /data && echo seeded >/data/seed
VOLUME /data'
volumes() { "$MYBUILD" volume ls -q | sort; }
volume_of() { "$MYBUILD" container inspect "$1" | jq -r ".[0].Mounts[] | select(.Destination == \"$2\") | .Name"; }

# The image's VOLUME: a fresh volume per container, seeded, its writes outliving the container's process.
id=$("$MYBUILD" run -d ctr-anon:1 sh -c 'echo written >/data/new; trap "exit 0" TERM; while :; do sleep 0.1; done') || fail "run -d"
name=$("$MYBUILD" container inspect "$id" | jq -r '.[0].Name')
[[ "$name" =~ ^/[a-z]+_[a-z]+[0-9]*$ ]] || fail "a generated name in docker's style: $name"
pass "a container without --name gets a generated name ($name)"
assert_eq "$id" "$("$MYBUILD" container inspect "${name#/}" | jq -r '.[0].Id')" "the generated name finds the container"
vol=$(volume_of "$id" /data)
[[ "$vol" =~ ^[0-9a-f]{64}$ ]] || fail "the image's VOLUME is an anonymous volume with a 64-hex name: $vol"
pass "the image's VOLUME is an anonymous volume"
assert_eq "seeded" "$("$MYBUILD" exec "$id" cat /data/seed)" "the anonymous volume is seeded from the image"
wait_until "the container wrote into its volume" "$MYBUILD" exec "$id" test -f /data/new
assert_eq "written" "$(cat "$MYBUILD_ROOT/volumes/$vol/_data/new")" "writes land in the volume"
second=$("$MYBUILD" run -d ctr-anon:1 sh -c 'trap "exit 0" TERM; while :; do sleep 0.1; done') || fail "second run -d"
[ "$(volume_of "$second" /data)" != "$vol" ] || fail "each container gets its own anonymous volume"
[ "$("$MYBUILD" container inspect "$second" | jq -r '.[0].Name')" != "$name" ] || fail "generated names are unique"
pass "each container gets its own anonymous volume and name"
[ ! -e "$MYBUILD_ROOT/volumes/$(volume_of "$second" /data)/_data/new" ] || fail "containers never see each other's volume"

# rm keeps the volume, rm -v removes it.
second_vol=$(volume_of "$second" /data)
"$MYBUILD" rm -f "$second" >/dev/null || fail "rm -f"
volumes | grep -qx "$second_vol" || fail "rm without -v keeps the anonymous volume (as docker)"
"$MYBUILD" volume rm "$second_vol" >/dev/null || fail "volume rm of the kept one"
"$MYBUILD" rm -f -v "$id" >/dev/null || fail "rm -f -v"
volumes | grep -qx "$vol" && fail "rm -v removes the anonymous volume"
pass "rm keeps, rm -v removes the anonymous volume"

# -v /path, and run --rm (foreground and detached) removes its anonymous volumes; a named one stays.
before=$(volumes)
assert_eq "seeded" "$("$MYBUILD" run --rm -v /scratch -v keepme:/named ctr-anon:1 sh -c 'cat /data/seed; touch /scratch/x /named/y')" "run --rm with anonymous volumes"
assert_eq "$(printf '%s\n' $before keepme | sort -u | sed '/^$/d')" "$(volumes)" "run --rm removes its anonymous volumes, keeps the named one"
rid=$("$MYBUILD" run -d --rm ctr-anon:1 true) || fail "run -d --rm"
wait_until "the --rm container is gone" sh -c "! '$MYBUILD' ps -aq | grep -q ${rid:0:12}"
assert_eq "$(printf '%s\n' $before keepme | sort -u | sed '/^$/d')" "$(volumes)" "run -d --rm removes its anonymous volumes too"
"$MYBUILD" volume rm keepme >/dev/null || fail "volume rm keepme"
assert_no_leaks "anonymous volumes"

#!/usr/bin/env bash
# Named volumes, as docker's local driver: `-v NAME:/path` (and --mount type=volume) creates the volume
# under the root on first use, filled from the image's content at that path (owners and modes kept);
# its content outlives containers and is shared by the next ones; `volume ls`, `volume create`,
# `volume rm` (refused while a container uses it). After each case nothing is mounted under the root.
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/containers.bash"
require_root
cd "$E2E_WORK"
import_busybox ctr-base:latest
build_image ctr-vol:1 'FROM ctr-base:latest
RUN mkdir -p /srv/data && echo from-the-image >/srv/data/seed && chown -R 1000:50 /srv/data && chmod 0750 /srv/data'

# First use: created and seeded from the image.
assert_eq "from-the-image" "$("$MYBUILD" run --rm -v appdata:/srv/data ctr-vol:1 cat /srv/data/seed)" \
  "a new volume is filled from the image's content at its path"
assert_eq "1000:50 750" "$(stat -c '%u:%g %a' "$MYBUILD_ROOT/volumes/appdata/_data")" \
  "the volume's root takes the owner and mode of the image's directory"
assert_eq "1000:50" "$(stat -c '%u:%g' "$MYBUILD_ROOT/volumes/appdata/_data/seed")" "the seeded files keep their owners"
"$MYBUILD" run --rm -v appdata:/srv/data ctr-vol:1 sh -c 'echo written-by-one >/srv/data/note; rm /srv/data/seed' ||
  fail "writing to the volume"
# Kept across containers, not seeded again.
assert_eq "written-by-one" "$("$MYBUILD" run --rm -v appdata:/srv/data ctr-vol:1 cat /srv/data/note)" \
  "the volume's content outlives the container"
assert_eq 1 "$(run_status --rm -v appdata:/srv/data ctr-vol:1 cat /srv/data/seed)" "an existing volume is not seeded again"
assert_eq "written-by-one" "$("$MYBUILD" run --rm --mount type=volume,source=appdata,target=/elsewhere ctr-base:latest cat /elsewhere/note)" \
  "--mount type=volume, at another path of another image"
assert_eq "" "$("$MYBUILD" run --rm -v empty-one:/nothing-here ctr-base:latest ls -A /nothing-here)" \
  "a volume at a path the image lacks starts empty"
assert_eq 1 "$(run_status --rm -v appdata:/srv/data:ro ctr-vol:1 touch /srv/data/x)" ":ro refuses writes"
assert_no_leaks "volumes in foreground containers"

# A detached container's volume, seen from exec and from the host's store.
id=$("$MYBUILD" run -d -v appdata:/srv/data ctr-vol:1 sh -c 'echo from-detached >/srv/data/detached; while :; do sleep 0.1; done')
for i in $(seq 100); do [ -f "$MYBUILD_ROOT/volumes/appdata/_data/detached" ] && break; sleep 0.1; done
assert_eq "from-detached" "$("$MYBUILD" exec "$id" cat /srv/data/detached)" "a detached container's volume (exec sees it)"

# volume ls / create / rm.
"$MYBUILD" volume create made-by-hand >/dev/null || fail "volume create"
assert_eq "DRIVER    VOLUME NAME
local     appdata
local     empty-one
local     made-by-hand" "$("$MYBUILD" volume ls)" "volume ls lists them as docker does"
assert_eq "appdata empty-one made-by-hand" "$("$MYBUILD" volume ls -q | xargs)" "volume ls -q"
status=0
"$MYBUILD" volume rm appdata >/dev/null 2>err || status=$?
assert_eq 1 "$status" "volume rm of a volume in use: 1"
grep -q "volume is in use - \[${id:0:12}\]" err || fail "the error names the container: $(cat err)"
pass "the error names the container"
"$MYBUILD" rm -f "$id" >/dev/null || fail "rm -f"
"$MYBUILD" volume rm appdata made-by-hand >/dev/null || fail "volume rm"
[ ! -e "$MYBUILD_ROOT/volumes/appdata" ] || fail "volume rm removes the content"
pass "volume rm removes the content"
assert_eq "empty-one" "$("$MYBUILD" volume ls -q)" "the other volume stays"
status=0
"$MYBUILD" volume rm no-such-volume >/dev/null 2>err || status=$?
assert_eq 1 "$status" "volume rm of an unknown volume: 1"
grep -q "no such volume: no-such-volume" err || fail "the error names it"
pass "the error names it"
assert_eq 125 "$(run_status --rm -v 'bad$name:/x' ctr-base:latest true)" "a bad volume name: 125"
assert_no_leaks "volumes"

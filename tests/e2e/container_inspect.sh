#!/usr/bin/env bash
# `inspect` of containers (docker's JSON shape): `container inspect` only containers, `inspect` a
# container before an image (as docker inspect), --type; the state follows the container's life
# (running with its pid, then exited with its code and times); Config and HostConfig say what it runs.
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/containers.bash"
require_root
require_tool jq
cd "$E2E_WORK"
import_busybox ctr-base:latest
build_image ctr-inspect:1 'FROM ctr-base:latest
LABEL team=web
ENV MODE=image
WORKDIR /srv
ENTRYPOINT ["sh", "-c"]
CMD ["trap \"exit 4\" TERM; while :; do sleep 0.1; done"]'
mkdir -p data

id=$("$MYBUILD" run -d --name insp -e EXTRA=yes -v "$PWD/data:/data:ro" --network none ctr-inspect:1) || fail "run -d"
json=$("$MYBUILD" container inspect insp) || fail "container inspect"
field() { jq -r "$1" <<<"$json"; }
assert_eq "$id" "$(field '.[0].Id')" "Id is the full id"
assert_eq "/insp" "$(field '.[0].Name')" "Name is /NAME"
assert_eq "running true" "$(field '.[0].State | "\(.Status) \(.Running)"')" "State while it runs"
pid=$(field '.[0].State.Pid')
[ "$pid" -gt 0 ] && [ -d "/proc/$pid" ] || fail "State.Pid is the container's live PID 1 ($pid)"
pass "State.Pid is the container's live PID 1"
assert_eq '["sh","-c"]' "$(field '.[0].Config.Entrypoint | tojson')" "Config.Entrypoint"
assert_eq 1 "$(field '.[0].Config.Cmd | length')" "Config.Cmd is the image's CMD"
assert_eq "MODE=image EXTRA=yes" "$(field '[.[0].Config.Env[] | select(startswith("MODE") or startswith("EXTRA"))] | join(" ")')" "Config.Env: the image's, then -e"
assert_eq "ctr-inspect:1 /srv web" "$(field '.[0].Config | "\(.Image) \(.WorkingDir) \(.Labels.team)"')" "Config.Image, WorkingDir, Labels"
assert_eq "none $PWD/data:/data:ro" "$(field '.[0].HostConfig | "\(.NetworkMode) \(.Binds[0])"')" "HostConfig.NetworkMode and Binds"
assert_eq "bind /data false" "$(field '.[0].Mounts[0] | "\(.Type) \(.Destination) \(.RW)"')" "Mounts"
image_id=$("$MYBUILD" inspect ctr-inspect:1 | jq -r '.[0].Id')
assert_eq "$image_id" "$(field '.[0].Image')" "Image is the image's ID"

# inspect: a container first, an image otherwise; --type.
assert_eq "$id" "$("$MYBUILD" inspect insp | jq -r '.[0].Id')" "inspect NAME finds the container"
assert_eq "$image_id" "$("$MYBUILD" inspect ctr-inspect:1 | jq -r '.[0].Id')" "inspect IMAGE finds the image"
assert_eq "2" "$("$MYBUILD" inspect insp ctr-inspect:1 | jq length)" "inspect of a container and an image together"
status=0; "$MYBUILD" inspect --type image insp >out 2>err || status=$?
assert_eq 1 "$status" "inspect --type image of a container name: exit 1"
status=0; "$MYBUILD" container inspect ctr-inspect:1 >out 2>err || status=$?
assert_eq 1 "$status" "container inspect of an image: exit 1"
grep -q "no such container: ctr-inspect:1" err || fail "the error names it: $(cat err)"
pass "container inspect names what it did not find"

"$MYBUILD" stop insp >/dev/null || fail "stop"
json=$("$MYBUILD" container inspect "${id:0:12}") || fail "inspect by short id"
assert_eq "exited false 4 0" "$(field '.[0].State | "\(.Status) \(.Running) \(.ExitCode) \(.Pid)"')" "State after stop: exited with its code"
[ "$(field '.[0].State.FinishedAt')" != "0001-01-01T00:00:00Z" ] || fail "FinishedAt is set"
pass "FinishedAt is set"
"$MYBUILD" rm insp >/dev/null || fail "rm"
assert_no_leaks "inspect"

#!/usr/bin/env bash
# `mybuild run`: exit statuses as docker's (0, 3, 125, 126, 127), bind mounts (-v ro/rw, --mount bind and
# tmpfs), --read-only, --network none (only lo), --add-host; containers of one image share its snapshots
# and never see each other's writes; --rm removes the container's snapshot and record, without it the
# record stays with the exit status. After every case nothing is mounted under the root.
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/containers.bash"
require_root
require_tool jq
cd "$E2E_WORK"
import_busybox ctr-base:latest

# Exit statuses.
assert_eq 0 "$(run_status --rm ctr-base:latest true)" "exit 0"
assert_eq 3 "$(run_status --rm ctr-base:latest sh -c 'exit 3')" "the container's own status (3)"
assert_eq 127 "$(run_status --rm ctr-base:latest no-such-command)" "a command not found: 127"
grep -q 'executable file not found' err || fail "127 says the executable was not found"
pass "127 says the executable was not found"
assert_eq 126 "$(run_status --rm ctr-base:latest /etc/passwd)" "a command that cannot be invoked: 126"
assert_eq 125 "$(run_status --rm --pull never no-such-image:1 true)" "a missing image: 125"
grep -q 'no such image: no-such-image:1' err || fail "125 names the missing image"
pass "125 names the missing image"
assert_eq 125 "$(run_status --rm --no-such-flag ctr-base:latest true)" "an unknown flag: 125"
assert_eq 125 "$(run_status --rm --network bridge0 ctr-base:latest true)" "a bad --network: 125"
assert_eq 125 "$(run_status --rm -v "$E2E_WORK/missing:/data" ctr-base:latest true)" "-v of a missing host path: 125"
grep -q "$E2E_WORK/missing does not exist" err || fail "the -v error names the host path"
pass "the -v error names the host path"
assert_eq 125 "$(run_status)" "run without an image: 125"
assert_eq 0 "$(find "$MYBUILD_ROOT/containers" -mindepth 1 -maxdepth 1 -type d | wc -l)" "failed runs leave no record"
assert_no_leaks "exit statuses"

# stdout and stderr are separate streams.
"$MYBUILD" run --rm ctr-base:latest sh -c 'echo to-out; echo to-err >&2' >out 2>err
assert_eq "to-out" "$(cat out)" "stdout is the container's stdout"
assert_eq "to-err" "$(cat err)" "stderr is the container's stderr"
assert_eq "" "$("$MYBUILD" run --rm ctr-base:latest cat <<<"not for the container")" "without -i, stdin is /dev/null"
assert_eq "for the container" "$("$MYBUILD" run --rm -i ctr-base:latest cat <<<"for the container")" "-i passes stdin"

# Binds.
mkdir -p host-rw host-ro
echo from-host >host-ro/file
"$MYBUILD" run --rm -v "$E2E_WORK/host-rw:/rw" ctr-base:latest sh -c 'echo written >/rw/new' || fail "-v rw run"
assert_eq "written" "$(cat host-rw/new)" "-v HOST:CTR is writable and shows on the host"
status=$(run_status --rm -v "$E2E_WORK/host-ro:/ro:ro" ctr-base:latest sh -c 'cat /ro/file; echo x >/ro/file')
[ "$status" != 0 ] || fail "-v HOST:CTR:ro refuses writes"
assert_eq "from-host" "$(cat out)" "-v HOST:CTR:ro shows the host's files"
assert_eq "from-host" "$(cat host-ro/file)" "-v HOST:CTR:ro leaves the host's file as it was"
assert_eq "from-host" "$("$MYBUILD" run --rm --mount "type=bind,source=$E2E_WORK/host-ro,target=/m,readonly" \
  ctr-base:latest cat /m/file)" "--mount type=bind,readonly"
assert_eq 1 "$(run_status --rm --mount "type=bind,src=$E2E_WORK/host-ro,dst=/m,ro" ctr-base:latest touch /m/x)" \
  "--mount type=bind,ro refuses writes"
assert_eq "tmpfs" "$("$MYBUILD" run --rm --mount type=tmpfs,target=/scratch ctr-base:latest \
  sh -c "awk '\$2 == \"/scratch\" {print \$3}' /proc/mounts")" "--mount type=tmpfs"
assert_no_leaks "binds"

# --read-only: the root refuses writes, mounts on it do not.
assert_eq 1 "$(run_status --rm --read-only ctr-base:latest touch /new-file)" "--read-only refuses writes to the root"
grep -q 'Read-only file system' err || fail "--read-only: the write fails with EROFS"
pass "--read-only: the write fails with EROFS"
assert_eq 0 "$(run_status --rm --read-only --mount type=tmpfs,target=/tmp ctr-base:latest touch /tmp/x)" \
  "--read-only with a tmpfs: the tmpfs is writable"
assert_eq 0 "$(run_status --rm --read-only -w /new/work ctr-base:latest true)" "--read-only: -w is created before"

# Networks.
assert_eq "lo" "$("$MYBUILD" run --rm --network none ctr-base:latest ls /sys/class/net)" "--network none has only lo"
assert_eq "198.51.100.3	db.example" "$("$MYBUILD" run --rm --add-host db.example:198.51.100.3 ctr-base:latest grep db.example /etc/hosts)" \
  "--add-host adds an /etc/hosts line"
assert_no_leaks "read-only and networks"

# Two containers of one image: the same image snapshots below, their own writes on top.
"$MYBUILD" run --name first ctr-base:latest sh -c 'echo one >/etc/mine' || fail "first container"
status=$(run_status --name second ctr-base:latest cat /etc/mine)
assert_eq 1 "$status" "a container does not see another container's writes"
assert_eq 1 "$(run_status --rm ctr-base:latest cat /etc/mine)" "a new container does not see them either"
assert_eq 125 "$(run_status --name first ctr-base:latest true)" "a name in use: 125"
grep -q 'already in use' err || fail "the error says the name is in use"
pass "the error says the name is in use"
metadata=$(find "$MYBUILD_ROOT/snapshots" -name metadata.json | head -n 1)
first_id=$(jq -r 'select(.name == "first") | .id' "$MYBUILD_ROOT"/containers/*/config.json)
second_id=$(jq -r 'select(.name == "second") | .id' "$MYBUILD_ROOT"/containers/*/config.json)
parent1=$(jq -r --arg k "container-$first_id" '.snapshots[$k].parent' "$metadata")
parent2=$(jq -r --arg k "container-$second_id" '.snapshots[$k].parent' "$metadata")
[[ "$parent1" == layer-* ]] || fail "a container's snapshot is over its image's chain snapshot, got [$parent1]"
assert_eq "$parent1" "$parent2" "both containers' snapshots share the image's snapshot"
assert_eq "exited 0" "$(jq -r '"\(.state) \(.exit_code)"' "$MYBUILD_ROOT/containers/$first_id/state.json")" \
  "without --rm the record stays, with the exit status"
assert_eq "exited 1" "$(jq -r '"\(.state) \(.exit_code)"' "$MYBUILD_ROOT/containers/$second_id/state.json")" \
  "the record has the container's exit status"
assert_eq 2 "$(jq -r '.snapshots | keys[]' "$metadata" | grep -c '^container-')" "--rm containers leave no snapshot"
assert_eq 2 "$(find "$MYBUILD_ROOT/containers" -mindepth 1 -maxdepth 1 -type d | wc -l)" "--rm containers leave no record"
assert_no_leaks "two containers of one image"

# prune keeps what containers use: their snapshots, and their image even after rmi.
"$MYBUILD" rmi -f ctr-base:latest >/dev/null  # without -f refused, as docker: a container uses it
"$MYBUILD" prune >/dev/null
metadata=$(find "$MYBUILD_ROOT/snapshots" -name metadata.json | head -n 1)
assert_eq "$parent1" "$(jq -r --arg k "container-$first_id" '.snapshots[$k].parent' "$metadata")" \
  "prune keeps a container's snapshot"
assert_eq "committed" "$(jq -r --arg k "$parent1" '.snapshots[$k].kind' "$metadata")" "prune keeps its image's snapshot"
image_digest=$(jq -r .image_digest "$MYBUILD_ROOT/containers/$first_id/config.json")
[ -f "$MYBUILD_ROOT/blobs/sha256/${image_digest#sha256:}" ] || fail "prune keeps a container's image manifest after rmi"
pass "prune keeps a container's image manifest after rmi"

#!/usr/bin/env bash
# `cp` both ways (docker cp), on a running and on a stopped container: a file, a directory (into a
# directory, to a new name, its content with "/."), a tar stream on stdout and stdin ("-"), owners
# (root in the container, the caller on the host; -a keeps them); paths are resolved inside the
# container (a link to "/" planted in it never leads to the host's files); errors are one line, exit 1.
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/containers.bash"
require_root
require_tool pgrep
require_tool tar
cd "$E2E_WORK"
import_busybox ctr-base:latest
build_image ctr-cp:1 'FROM ctr-base:latest
RUN mkdir -p /srv/conf && echo from-the-image >/srv/conf/app.conf && echo second >/srv/conf/b.conf && chown -R 1000:1000 /srv/conf && ln -s / /srv/rootlink && ln -s /srv/conf /confdir
CMD ["sh", "-c", "trap \"exit 0\" TERM; while :; do sleep 0.1; done"]'
token="cp-$$-$RANDOM"

"$MYBUILD" run -d --name box ctr-cp:1 >/dev/null || fail "run -d"
# Out of a running container.
mkdir -p host
"$MYBUILD" cp box:/srv/conf/app.conf host/app.conf || fail "cp a file out"
assert_eq "from-the-image" "$(cat host/app.conf)" "cp CONTAINER:FILE HOSTFILE"
assert_eq "0:0" "$(stat -c %u:%g host/app.conf)" "a copied-out file belongs to the caller"
"$MYBUILD" cp box:/srv/conf host/ || fail "cp a directory into a directory"
assert_eq "second" "$(cat host/conf/b.conf)" "cp CONTAINER:DIR HOSTDIR/ puts DIR inside"
"$MYBUILD" cp box:/srv/conf host/renamed || fail "cp a directory to a new name"
assert_eq "from-the-image" "$(cat host/renamed/app.conf)" "cp CONTAINER:DIR NEW makes NEW with DIR's content"
mkdir host/flat
"$MYBUILD" cp -a box:/srv/conf/. host/flat || fail "cp DIR/."
assert_eq "from-the-image 1000:1000" "$(cat host/flat/app.conf) $(stat -c %u:%g host/flat/app.conf)" "cp -a DIR/. copies the content and keeps owners"
"$MYBUILD" cp box:/confdir host/link || fail "cp a link"
assert_eq "/srv/conf" "$(readlink host/link)" "a symlink is copied as a link"
"$MYBUILD" cp -L box:/confdir host/followed || fail "cp -L"
assert_eq "second" "$(cat host/followed/b.conf)" "cp -L follows it, inside the container"
"$MYBUILD" cp box:/srv/rootlink/etc/passwd host/passwd || fail "cp through a link to /"
cmp -s host/passwd /etc/passwd && fail "a link to / in the container read the host's /etc/passwd"
grep -q '^user:' host/passwd || fail "the container's own /etc/passwd is read"
pass "a link to / in the container resolves inside the container"
"$MYBUILD" cp box:/srv/conf - >stream.tar || fail "cp to -"
assert_eq "conf/app.conf" "$(tar -tf stream.tar | grep app.conf)" "cp CONTAINER:DIR - writes a tar named from DIR"

# Into a running container: the container sees it at once.
echo "from-the-host" >host/in.txt
"$MYBUILD" cp host/in.txt box:/srv/ || fail "cp a file in"
assert_eq "from-the-host 0:0" "$("$MYBUILD" exec box sh -c 'cat /srv/in.txt; stat -c %u:%g /srv/in.txt' | tr '\n' ' ' | sed 's/ $//')" \
  "cp HOSTFILE CONTAINER:DIR/ lands in DIR, owned by root"
"$MYBUILD" cp host/in.txt box:/srv/rootlink/tmp/via-link.txt || fail "cp in through a link to /"
[ ! -e /tmp/via-link.txt ] || fail "a link to / in the container wrote the host's /tmp"
assert_eq "from-the-host" "$("$MYBUILD" exec box cat /tmp/via-link.txt)" "a write through a link to / stays in the container"
mkdir -p tarsrc/sub && echo streamed >tarsrc/sub/s.txt
tar -C tarsrc -cf in.tar sub
"$MYBUILD" cp - box:/srv <in.tar || fail "cp - CONTAINER:DIR"
assert_eq "streamed" "$("$MYBUILD" exec box cat /srv/sub/s.txt)" "cp - CONTAINER:DIR extracts a tar from stdin"

# A stopped container: its snapshot, mounted for the copy only.
"$MYBUILD" stop box >/dev/null || fail "stop"
"$MYBUILD" cp box:/srv/in.txt host/after-stop.txt || fail "cp out of a stopped container"
assert_eq "from-the-host" "$(cat host/after-stop.txt)" "cp out of a stopped container sees what was copied in"
echo "while-stopped" >host/stopped.txt
"$MYBUILD" cp host/stopped.txt box:/srv/stopped.txt || fail "cp into a stopped container"
"$MYBUILD" start box >/dev/null || fail "start"
assert_eq "while-stopped" "$("$MYBUILD" exec box cat /srv/stopped.txt)" "a file copied into a stopped container is there when it starts"

# Errors: one line, exit 1.
cp_status() { local status=0; "$MYBUILD" cp "$@" >out 2>err || status=$?; echo "$status"; }
assert_eq 1 "$(cp_status box:/no/such host/x)" "a missing source: exit 1"
grep -q "no such file or directory: box:/no/such" err || fail "the error names the source: $(cat err)"
assert_eq 1 "$(wc -l <err)" "a one-line error"
assert_eq 1 "$(cp_status box:/srv/conf host/app.conf)" "a directory onto a file: exit 1"
grep -q "cannot copy a directory to a file" err || fail "the error says so: $(cat err)"
assert_eq 1 "$(cp_status host/in.txt box:/srv/missing-dir/)" "a missing destination directory: exit 1"
assert_eq 1 "$(cp_status host/in.txt host/y)" "two host paths: exit 1"
assert_eq 1 "$(cp_status nobox:/x host/y)" "an unknown container: exit 1"
grep -q "no such container: nobox" err || fail "the error names the container"
pass "errors name what was wrong"

"$MYBUILD" rm -f box >/dev/null || fail "rm -f"
assert_no_leaks "cp" "$token"

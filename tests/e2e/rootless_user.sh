#!/usr/bin/env bash
# Rootless mybuild (issue 15): as root, the test makes an ordinary user with a subordinate id range and
# runs mybuild as that user (setpriv): the state root defaults to ~/.local/share/mybuild, RUN chowns to
# several ids (the layer holds the in-namespace ids), deletions become whiteouts, COPY is streamed, a
# secret reaches its RUN, a no-op rebuild is all CACHED, push and pull go through a local registry,
# `run` runs the image, `prune` collects; the same Dockerfile built as root and as the user under
# SOURCE_DATE_EPOCH gives the same manifest digest; `run -d` and `exec` work; a root's state root is
# refused naming its owner;
# `info` and `doctor` describe the set-up; a user without a range gets doctor's hint and a single-id map.
# With a cached Debian rootfs, useradd in a RUN works as well.
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/registry.bash"
require_root
for tool in newuidmap newgidmap setpriv useradd usermod userdel jq; do require_tool "$tool"; done
[ "$(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo 0)" -gt 0 ] || skip "user.max_user_namespaces is 0"
[ "$(cat /proc/sys/kernel/apparmor_restrict_unprivileged_userns 2>/dev/null || echo 0)" = 0 ] ||
  skip "AppArmor restricts unprivileged user namespaces"

user="mbrl$$"
home="$E2E_WORK/home"
chmod 755 "$E2E_WORK"
user2="mbrs$$"  # a second user, without a subordinate range
remove_user() {
  local pid who
  for who in "$user" "$user2"; do
    for pid in $(pgrep -u "$who" 2>/dev/null || true); do kill -KILL "$pid" 2>/dev/null || true; done
    userdel "$who" 2>/dev/null || true  # also removes its /etc/subuid and /etc/subgid lines
  done
}
trap 'remove_user; stop_registries; cleanup_e2e' EXIT
useradd --create-home --home-dir "$home" --shell /bin/sh --user-group "$user" || fail "useradd $user"
# useradd gives a new user a range (SUB_UID_MIN… in /etc/login.defs); add one where it does not.
if ! grep -q "^$user:" /etc/subuid || ! grep -q "^$user:" /etc/subgid; then
  start=$((1000000 + ($$ % 400) * 65536))
  usermod --add-subuids "$start-$((start + 65535))" --add-subgids "$start-$((start + 65535))" "$user" ||
    fail "usermod --add-subuids"
fi
start=$(grep "^$user:" /etc/subuid | head -n 1 | cut -d: -f2)
[ "$(grep "^$user:" /etc/subuid | head -n 1 | cut -d: -f3)" -ge 65536 ] || skip "the subuid range useradd gave is too small"
uid=$(id -u "$user")
setpriv --reuid="$user" --regid="$user" --init-groups true 2>/dev/null || skip "setpriv cannot switch to $user"
# as_user CMD…: CMD as the user, with a login-like environment (no MYBUILD_ROOT: the default root).
as_user() {
  (cd "$home" && setpriv --reuid="$user" --regid="$user" --init-groups -- \
    env -i HOME="$home" USER="$user" LOGNAME="$user" PATH=/usr/local/bin:/usr/bin:/bin SOURCE_DATE_EPOCH=1700000000 "$@")
}
as_user "$MYBUILD" images >/dev/null 2>"$E2E_WORK/first.err" || {
  cat "$E2E_WORK/first.err" >&2
  grep -q "unshare(CLONE_NEWUSER)" "$E2E_WORK/first.err" && skip "this kernel refuses unprivileged user namespaces"
  fail "mybuild images as $user"
}

# --- set-up: what info and doctor say
as_user "$MYBUILD" info >"$E2E_WORK/info.txt" 2>&1 || { cat "$E2E_WORK/info.txt" >&2; fail "mybuild info as $user"; }
assert_contains "$(cat "$E2E_WORK/info.txt")" "Rootless: yes" "info says rootless"
assert_contains "$(cat "$E2E_WORK/info.txt")" "UID map: 0→$uid, 1-65536→$start-$((start + 65535))" \
  "the user is 0 and its subordinate range 1..65536"
assert_contains "$(cat "$E2E_WORK/info.txt")" "State root: $home/.local/share/mybuild" \
  "the state root defaults to ~/.local/share/mybuild"
assert_contains "$(cat "$E2E_WORK/info.txt")" "Snapshotter: overlay (overlayfs mounts here with userxattr" \
  "snapshots are kernel overlayfs with userxattr in the user namespace"
[ "$(stat -c %U "$home/.local/share/mybuild")" = "$user" ] || fail "the state root belongs to the user"
pass "the state root belongs to the user"
as_user "$MYBUILD" doctor >"$E2E_WORK/doctor.txt" 2>&1 || { cat "$E2E_WORK/doctor.txt" >&2; fail "mybuild doctor as $user"; }
assert_contains "$(cat "$E2E_WORK/doctor.txt")" "ok: " "doctor finds nothing that stops a build"

# --- a base image: busybox as a tar with root's and user 1000's files
make_busybox_rootfs "$E2E_WORK/busybox"
tar --numeric-owner -C "$E2E_WORK/busybox" -cf "$E2E_WORK/busybox.tar" .
chmod 644 "$E2E_WORK/busybox.tar"
as_user "$MYBUILD" import "$E2E_WORK/busybox.tar" rootless-base:1 >/dev/null || fail "import as $user"
cp -r "$MYBUILD_TESTDATA/rootless/busybox" "$home/ctx"
secret="rootless-secret-$$-$RANDOM"
printf '%s' "$secret" >"$home/secret.txt"
chown -R "$user:$user" "$home/ctx" "$home/secret.txt"

# --- a build with RUN that chowns, a streamed COPY and a secret
build_as_user() {  # build_as_user LOG ARGS…
  local log=$1
  shift
  as_user "$MYBUILD" build --progress plain --secret id=tok,src="$home/secret.txt" "$@" ctx >"$E2E_WORK/$log.out" 2>"$E2E_WORK/$log.log" ||
    { tail -n 30 "$E2E_WORK/$log.log" >&2; fail "rootless build ($log)"; }
}
build_as_user cold -t app:1 --metadata-file "$home/cold.json"
ids=$(as_user "$MYBUILD" run --rm app:1) || fail "mybuild run as $user"
assert_eq "$(printf '1000:1000 /data/a\n65534:65534 /data/b\n123:456 /data/c\n1000:50 /opt/app/hello.txt')" "$ids" \
  "RUN chowns to several ids and run shows them (in-namespace ids)"
[ "$(stat -c %u "$home/.local/share/mybuild")" = "$uid" ] || fail "the root stays the user's"
# A detached container, and exec into it from another mybuild process (which joins the user namespace
# that owns the container's namespaces).
as_user "$MYBUILD" run -d --name rl-web app:1 sleep 300 >/dev/null || fail "run -d as $user"
out=$(as_user "$MYBUILD" exec -u 1000 rl-web sh -c 'id -u; head -n 1 /ids.txt') || fail "exec as $user"
assert_eq "$(printf '1000\n1000:1000 /data/a')" "$out" "exec into a detached container works rootless"
as_user "$MYBUILD" rm -f rl-web >/dev/null || fail "rm -f as $user"
as_user "$MYBUILD" save -o "$home/app.tar" app:1 || fail "save as $user"
mkdir "$E2E_WORK/saved" && tar -C "$E2E_WORK/saved" -xf "$home/app.tar"
listing=$(for layer in $(jq -r '.[0].Layers[]' "$E2E_WORK/saved/manifest.json"); do
  tar --numeric-owner -tvf "$E2E_WORK/saved/$layer"; done)
assert_contains "$listing" "123/456" "the layer stores the in-namespace ids (123:456), not the host's"
assert_contains "$listing" "bin/.wh.vi" "a deleted file is a whiteout in the layer"
assert_contains "$listing" "home/.wh..wh..opq" "a directory emptied and refilled is opaque in the layer"
case "$listing" in *"$start"*|*"$((start + 999))"*) fail "a layer holds host ids of the range" ;; esac
pass "no host id of the range reaches a layer"
assert_eq "$(printf '%s' "$secret" | sha256sum | cut -d' ' -f1)" "$(as_user "$MYBUILD" run --rm app:1 cat /secret.sha)" \
  "the secret reaches its RUN"
for file in "$E2E_WORK"/saved/*; do
  if [ -f "$file" ] && { zcat -f "$file" | grep -a -q "$secret"; }; then fail "the secret is in $file"; fi
done
pass "the secret is in no layer or config"

# --- a no-op rebuild is all CACHED
build_as_user warm -t app:1 --metadata-file "$home/warm.json"
summary=$(build_summary_in "$E2E_WORK/warm.log")
case "$summary" in *" 0 ran,"*) pass "a no-op rebuild runs nothing ($summary)" ;; *) fail "no-op rebuild: $summary" ;; esac
assert_eq "$(jq -r '."containerimage.digest"' "$home/cold.json")" "$(jq -r '."containerimage.digest"' "$home/warm.json")" \
  "the rebuild gives the same manifest"

# --- same bytes as root
SOURCE_DATE_EPOCH=1700000000 "$MYBUILD" import "$E2E_WORK/busybox.tar" rootless-base:1 >/dev/null
SOURCE_DATE_EPOCH=1700000000 "$MYBUILD" build --progress plain --secret id=tok,src="$home/secret.txt" \
  --metadata-file "$E2E_WORK/root.json" "$home/ctx" >/dev/null 2>"$E2E_WORK/root.log" ||
  { tail -n 20 "$E2E_WORK/root.log" >&2; fail "the same build as root"; }
assert_eq "$(jq -r '."containerimage.digest"' "$E2E_WORK/root.json")" "$(jq -r '."containerimage.digest"' "$home/cold.json")" \
  "the same Dockerfile built as root and as the user gives the same manifest digest"

# --- a root's state root is refused, naming its owner
if as_user env MYBUILD_ROOT="$MYBUILD_ROOT" "$MYBUILD" images >/dev/null 2>"$E2E_WORK/foreign.err"; then
  fail "the user's mybuild used root's state root"
fi
assert_contains "$(cat "$E2E_WORK/foreign.err")" "belongs to root (uid 0)" "a root owned by another user is an error naming the owner"

# --- push and pull through a local registry
start_registry plain
as_user "$MYBUILD" tag app:1 "$REGISTRY/rootless/app:1" || fail "tag"
as_user "$MYBUILD" push "$REGISTRY/rootless/app:1" >"$E2E_WORK/push.out" 2>&1 || { cat "$E2E_WORK/push.out" >&2; fail "push as $user"; }
as_user "$MYBUILD" rmi "$REGISTRY/rootless/app:1" app:1 >/dev/null || fail "rmi"
as_user "$MYBUILD" pull "$REGISTRY/rootless/app:1" >"$E2E_WORK/pull.out" 2>&1 || { cat "$E2E_WORK/pull.out" >&2; fail "pull as $user"; }
assert_eq "$ids" "$(as_user "$MYBUILD" run --rm "$REGISTRY/rootless/app:1")" "the pulled image runs with the same ids"

# --- prune
as_user "$MYBUILD" prune -a >"$E2E_WORK/prune.out" 2>&1 || { cat "$E2E_WORK/prune.out" >&2; fail "prune as $user"; }
assert_contains "$(cat "$E2E_WORK/prune.out")" "Total reclaimed space" "prune runs as the user"
as_user "$MYBUILD" images >/dev/null || fail "the root works after prune"

# --- a user without a subordinate range: doctor says how to add one; builds work with one id and say so
useradd --create-home --home-dir "$E2E_WORK/home2" --shell /bin/sh --user-group "$user2" || fail "useradd $user2"
range2=$(grep "^$user2:" /etc/subuid | head -n 1 | cut -d: -f2,3 || true)
if [ -n "$range2" ]; then
  usermod --del-subuids "${range2%%:*}-$((${range2%%:*} + ${range2##*:} - 1))" \
    --del-subgids "${range2%%:*}-$((${range2%%:*} + ${range2##*:} - 1))" "$user2" || fail "usermod --del-subuids"
fi
as_user2() {
  (cd "$E2E_WORK/home2" && setpriv --reuid="$user2" --regid="$user2" --init-groups -- \
    env -i HOME="$E2E_WORK/home2" PATH=/usr/local/bin:/usr/bin:/bin "$@")
}
as_user2 "$MYBUILD" doctor >"$E2E_WORK/doctor2.txt" 2>&1 || true
assert_contains "$(cat "$E2E_WORK/doctor2.txt")" "no subordinate uid range for $user2 in /etc/subuid" \
  "doctor names the missing subuid range"
assert_contains "$(cat "$E2E_WORK/doctor2.txt")" "fix: usermod --add-subuids 100000-165535 --add-subgids 100000-165535 $user2" \
  "doctor says how to add one"
mkdir -p "$E2E_WORK/home2/one"
printf 'FROM rootless-base:1\nRUN id -u > /uid\n' >"$E2E_WORK/home2/one/Dockerfile"
printf 'FROM rootless-base:1\nRUN touch /f && chown 1000 /f\n' >"$E2E_WORK/home2/one/Dockerfile.chown"
chown -R "$user2:$user2" "$E2E_WORK/home2/one"
# Only uid 0 exists for this user: the base must hold root's files alone.
tar --numeric-owner --owner=0 --group=0 -C "$E2E_WORK/busybox" -cf "$E2E_WORK/busybox0.tar" . && chmod 644 "$E2E_WORK/busybox0.tar"
as_user2 "$MYBUILD" import "$E2E_WORK/busybox0.tar" rootless-base:1 >/dev/null 2>"$E2E_WORK/one.err" ||
  { cat "$E2E_WORK/one.err" >&2; fail "import as $user2"; }
as_user2 "$MYBUILD" build --progress plain -t one:1 one >/dev/null 2>"$E2E_WORK/one.err" ||
  { cat "$E2E_WORK/one.err" >&2; fail "a build with a single-id map"; }
assert_eq 1 "$(grep -c 'only uid 0 is mapped' "$E2E_WORK/one.err")" "a single-id map is said once per command"
if as_user2 "$MYBUILD" build --progress plain -f one/Dockerfile.chown one >/dev/null 2>"$E2E_WORK/chown.err"; then
  fail "chown to an unmapped id succeeded with a single-id map"
fi
assert_contains "$(cat "$E2E_WORK/chown.err")" "Dockerfile.chown:2:1" "chown to an unmapped id fails at its RUN"

# --- a Debian base: useradd in a RUN (only with the cached debootstrap rootfs of the e2e fixtures)
debian="$MYBUILD_BUILD_DIR/debootstrap-cache/bookworm"
if [ -f "$debian.complete" ]; then
  tar --numeric-owner -C "$debian" -cf "$E2E_WORK/debian.tar" . && chmod 644 "$E2E_WORK/debian.tar"
  mkdir -p "$home/deb"
  printf 'FROM debian:bookworm\nRUN useradd -u 1234 -m app && touch /home/app/f && chown app:app /home/app/f && stat -c %%u:%%g /home/app/f >/owner\n' \
    >"$home/deb/Dockerfile"
  chown -R "$user:$user" "$home/deb"
  as_user "$MYBUILD" import "$E2E_WORK/debian.tar" debian:bookworm >/dev/null || fail "import of Debian as $user"
  as_user "$MYBUILD" build --progress plain -t deb:1 --metadata-file "$home/deb.json" deb >/dev/null 2>"$E2E_WORK/deb.log" ||
    { tail -n 20 "$E2E_WORK/deb.log" >&2; fail "useradd in a Debian base as $user"; }
  assert_eq "1234:1234" "$(as_user "$MYBUILD" run --rm deb:1 cat /owner)" "useradd in a Debian base works rootless"
  SOURCE_DATE_EPOCH=1700000000 "$MYBUILD" import "$E2E_WORK/debian.tar" debian:bookworm >/dev/null
  SOURCE_DATE_EPOCH=1700000000 "$MYBUILD" build --progress plain --metadata-file "$E2E_WORK/deb-root.json" "$home/deb" \
    >/dev/null 2>"$E2E_WORK/deb-root.log" || { tail -n 20 "$E2E_WORK/deb-root.log" >&2; fail "the Debian build as root"; }
  assert_eq "$(jq -r '."containerimage.digest"' "$E2E_WORK/deb-root.json")" "$(jq -r '."containerimage.digest"' "$home/deb.json")" \
    "the Debian build as root and as the user gives the same manifest digest"
else
  echo "note: no cached Debian rootfs ($debian): the useradd part did not run"
fi

#!/usr/bin/env bash
# RUN --mount=type=secret and type=ssh with --secret and --ssh: the secret reaches the RUN (file with its
# mode and owner, or env var) and nowhere else (not in any layer, the config, the history or the log; no
# mount-point stubs in the layer); a missing required secret or agent is an error with the Dockerfile
# location; changing a secret's content keeps the step cached; an ssh mount is a relay socket with the
# mount's mode and owner, SSH_AUTH_SOCK names it, and a static client in the RUN reaches the (python3) agent.
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/run.bash"
source "$(dirname "$MYBUILD_E2E_LIB")/solver.bash"
require_root
require_tool python3
require_tool gzip
cd "$E2E_WORK"
import_busybox run-base:latest
export SOURCE_DATE_EPOCH=1700000000
ctx="$MYBUILD_TESTDATA/run/secrets"

marker="mybuild-secret-marker-$$-$RANDOM"
printf '%s' "$marker" >secret.txt
sha() { sha256sum "$1" | cut -d' ' -f1; }
# build_fails ARGS…: the build must fail; its stderr is left in $E2E_WORK/failed.log.
build_fails() {
  if "$MYBUILD" build --progress plain "$@" >/dev/null 2>"$E2E_WORK/failed.log"; then
    fail "mybuild build $* succeeded but should have failed"
  fi
}

build_oci sec "$ctx" --secret id=tok,src=secret.txt >/dev/null
rootfs=$(unpack sec)/rootfs
assert_eq "$(sha secret.txt)" "$(cat "$rootfs/tok.sha")" "RUN reads the secret at /run/secrets/<id>"
assert_eq "400 0:0" "$(cat "$rootfs/tok.stat")" "the secret file is mode 0400, owned by 0:0 by default"
assert_eq "440 1000:50" "$(cat "$rootfs/key.stat")" "mode, uid and gid of the mount are honoured"
assert_eq "$(sha secret.txt)" "$(cat "$rootfs/key.sha")" "a custom target holds the secret"
assert_eq "$(sha secret.txt)" "$(cat "$rootfs/env.sha")" "env= exposes the secret as a variable"
assert_eq "none" "$(cat "$rootfs/env.file")" "env= without a target mounts no file"
assert_eq "0" "$(cat "$rootfs/no-token")" "the variable exists only in the RUN that mounts the secret"
assert_eq "$(printf 'skipped\nunset')" "$(cat "$rootfs/optional")" "a secret not given and not required is skipped"
[ ! -e "$rootfs/run" ] && [ ! -e "$rootfs/etc/app" ] || fail "mount targets created for secrets are not in the image"
pass "mount targets created for secrets (/run/secrets, /etc/app) are not in the image"

# assert_no_secret TAG WHAT: the bytes occur nowhere in the output (not in the archive, not in any
# decompressed blob: layers, config with its history, manifest) and no RUN layer holds a mount point.
assert_no_secret() {
  local tag=$1 blob layer names
  if grep -a -F -q "$marker" "$E2E_WORK/$tag.tar"; then fail "$2: the secret's bytes are in the OCI archive"; fi
  for blob in "$(oci_dir "$tag")"/blobs/sha256/*; do
    if gzip -t "$blob" 2>/dev/null; then gzip -dc "$blob" >blob.raw; else cp "$blob" blob.raw; fi
    if grep -a -F -q "$marker" blob.raw; then fail "$2: the secret's bytes are in blob $(basename "$blob")"; fi
  done
  pass "$2: the secret's bytes occur in no blob (layers, config with its history, manifest)"
  for layer in $(layer_blobs "$tag" | tail -n 5); do
    names=$(tar -tzf "$layer")
    if grep -Eq '^(\./)?(run|etc/app)(/|$)' <<<"$names"; then fail "$2: a RUN layer has a mount point: $names"; fi
  done
  pass "$2: no RUN layer holds /run, /run/secrets or /etc/app (created only as mount points)"
}
assert_no_secret sec "overlay snapshots"
# The copying snapshotter, in its own root (a root keeps one snapshotter).
(
  export MYBUILD_ROOT="$E2E_WORK/root-native"
  import_busybox run-base:latest
  build_oci sec-native "$ctx" --secret id=tok,src=secret.txt --snapshotter native >/dev/null
  assert_eq "$(sha secret.txt)" "$(cat "$(unpack sec-native)/rootfs/tok.sha")" "copying snapshots: RUN reads the secret"
  assert_no_secret sec-native "copying snapshots"
)
if grep -a -F -q "$marker" "$E2E_WORK/sec.log"; then fail "the secret's bytes are in the build log"; fi
pass "the secret's bytes are not in the build log"
assert_root_clean "no mount or active snapshot is left after a build with secrets"

# The content is not in the cache key: a changed secret keeps every step cached.
printf '%s' "changed-$marker" >secret.txt
build_json recache.json -t run-test:sec2 --secret id=tok,src=secret.txt "$ctx" >/dev/null ||
  { cat recache.json >&2; fail "the rebuild with a changed secret fails"; }
assert_all_cached recache.json "changing the secret's content keeps the steps cached"
# A secret given no value (its variable is unset) does not change the definitions either.
build_json nosecret.json --secret id=tok,env=UNSET_VARIABLE_FOR_TEST "$ctx" >/dev/null ||
  { cat nosecret.json >&2; fail "the rebuild without the secret's value fails"; }
assert_all_cached nosecret.json "a secret given no value keeps the steps cached as well"

# A required secret that is missing: an error with the Dockerfile location, the id and the flag.
build_fails -f "$ctx/required.Dockerfile" "$ctx"
log=$(cat "$E2E_WORK/failed.log")
assert_contains "$log" "required.Dockerfile:2:1" "a missing required secret is reported at its RUN (line:column)"
assert_contains "$log" 'secret "missing" is required' "the error names the secret"
assert_contains "$log" "--secret id=missing,src=FILE" "the error says how to provide it"
assert_root_clean "a failed build with a missing secret leaves the root clean"

# Flag errors name the flag.
build_fails --secret src=secret.txt "$ctx"
assert_contains "$(cat "$E2E_WORK/failed.log")" '--secret "src=secret.txt": id=ID is required' \
  "a --secret without id is refused, naming the flag"

# ssh: a real listening unix socket (python3) bound into the RUN, SSH_AUTH_SOCK pointing at it.
sock="$E2E_WORK/agent.sock"
python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(8)
while True:
    c, _ = s.accept()
    c.sendall(b"agent:" + c.recv(256))
    c.close()' "$sock" &
agent_pid=$!
trap 'kill "$agent_pid" 2>/dev/null || true; cleanup_e2e' EXIT
for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
[ -S "$sock" ] || fail "the test agent socket did not appear"
build_oci ssh "$ctx" -f "$ctx/ssh.Dockerfile" --ssh "default=$sock" --ssh "other=$sock" >/dev/null
ssh_root=$(unpack ssh)/rootfs
assert_eq "/run/buildkit/ssh_agent.0" "$(cat "$ssh_root/ssh-sock")" \
  "--ssh default=SOCKET: a socket is in the RUN and SSH_AUTH_SOCK names it"
assert_eq "600 0:0" "$(cat "$ssh_root/ssh-stat")" "the RUN's agent socket is 0600 root:root by default (not the host's)"
assert_eq "660 1000:50" "$(cat "$ssh_root/ssh-stat-custom")" "uid, gid and mode of an ssh mount are honoured"
assert_eq "/tmp/agent.sock" "$(cat "$ssh_root/ssh-sock-custom")" "SSH_AUTH_SOCK names the first ssh mount's target"
if grep -Eq '^(\./)?run(/|$)' <<<"$(last_layer_names ssh)"; then fail "the ssh mount point is in the layer"; fi
pass "the ssh mount point is not in the layer"
SSH_AUTH_SOCK="$sock" build_oci ssh-env "$ctx" -f "$ctx/ssh.Dockerfile" --ssh default --ssh "other=$sock" \
  --no-cache >/dev/null
pass "--ssh default uses \$SSH_AUTH_SOCK"
# (--no-cache: like BuildKit, a cached step does not look for its secrets or agents again.)
build_fails -f "$ctx/ssh.Dockerfile" --no-cache "$ctx"
log=$(cat "$E2E_WORK/failed.log")
assert_contains "$log" "ssh.Dockerfile:2:1" "a missing required ssh agent is reported at its RUN"
assert_contains "$log" "--ssh default" "the error says how to provide the agent"
printf 'not a key\n' >id_test
build_fails -f "$ctx/ssh.Dockerfile" --ssh "default=$E2E_WORK/id_test" "$ctx"
assert_contains "$(cat "$E2E_WORK/failed.log")" "forwarding key files is not supported" "key files are refused"

# A real round trip through the relay, as root and as a user the mount's uid lets in, with a static unix
# socket client built here (busybox has none).
if command -v cc >/dev/null && printf '#include <sys/socket.h>\nint main(void){return 0;}\n' >probe.c &&
  cc -static -o probe probe.c 2>/dev/null; then
  mkdir -p client
  cat >client/uc.c <<'CEOF'
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
int main(int argc, char** argv) {
  struct sockaddr_un address = {0};
  address.sun_family = AF_UNIX;
  strncpy(address.sun_path, argv[1], sizeof address.sun_path - 1);
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  if (connect(fd, (struct sockaddr*)&address, sizeof address) < 0) { perror("connect"); return 1; }
  if (write(fd, argv[2], strlen(argv[2])) < 0) return 1;
  char buffer[256];
  ssize_t n = read(fd, buffer, sizeof buffer);
  if (n <= 0) return 2;
  fwrite(buffer, 1, (size_t)n, stdout);
  return 0;
}
CEOF
  cc -static -O2 -o client/uc client/uc.c
  cat >client/Dockerfile <<'CEOF'
FROM run-base:latest
COPY uc /uc
RUN --mount=type=ssh,required /uc "$SSH_AUTH_SOCK" root >/root-reply
USER 1000:1000
RUN --mount=type=ssh,required,uid=1000 /uc "$SSH_AUTH_SOCK" user >/tmp/user-reply
RUN --mount=type=ssh,required if /uc "$SSH_AUTH_SOCK" x 2>/tmp/default-user-error; then echo connected; else echo refused; fi >/tmp/default-user
CEOF
  build_oci relay client --ssh "default=$sock" >/dev/null
  relay_root=$(unpack relay)/rootfs
  assert_eq "agent:root" "$(cat "$relay_root/root-reply")" "a RUN talks to the agent through its relay socket"
  assert_eq "agent:user" "$(cat "$relay_root/tmp/user-reply")" "a non-root RUN reaches the agent with uid= on the mount"
  assert_eq "refused" "$(cat "$relay_root/tmp/default-user")" "without uid= the socket is root's 0600: a user is refused"
  assert_contains "$(cat "$relay_root/tmp/default-user-error")" "Permission denied" "the refusal is the socket's permission"
else
  echo "skipped (part): no static C compiler to build a unix socket client for the relay round trip"
fi

#!/usr/bin/env bash
# `compose build` applies build.secrets (top-level secrets with file: and environment:, short and long
# form: target is the id the Dockerfile mounts, uid/gid/mode the mount's defaults) per service: a service
# that does not declare a secret does not get it, even when another one does. build.cache_to type=local
# writes a cache; a cache type mybuild has not (gha), extra_hosts and ulimits are warnings naming the key.
source "$MYBUILD_E2E_LIB"
require_root
export SOURCE_DATE_EPOCH=1700000000
import_busybox busybox:e2e
project="$E2E_WORK/sec"
mkdir -p "$project"
cd "$project"
printf 'file-secret' >"$E2E_WORK/token.txt"  # outside the context, which the store keeps
export API_KEY=env-secret
cat >compose.yaml <<'EOF2'
secrets:
  token:
    file: ../token.txt
  api:
    environment: API_KEY
services:
  one:
    build:
      context: .
      secrets:
        - token
        - source: api
          target: key
          uid: "1000"
          mode: 0440
      cache_to: ["type=local,dest=./cache", "type=gha"]
      extra_hosts: ["db:127.0.0.1"]
      dockerfile_inline: |
        FROM busybox:e2e
        RUN --mount=type=secret,id=token,required cat /run/secrets/token >/token.out
        RUN --mount=type=secret,id=key,required cat /run/secrets/key >/key.out && stat -c '%a %u' /run/secrets/key >/key.stat
  two:
    build:
      context: .
      dockerfile_inline: |
        FROM busybox:e2e
        RUN --mount=type=secret,id=token cat /run/secrets/token >/token.out 2>/dev/null || echo none >/token.out
EOF2
"$MYBUILD" compose build --progress plain >ids 2>build.log || { cat build.log >&2; fail "compose build with secrets fails"; }
assert_contains "$(cat build.log)" "services.one.build.cache_to: \"type=gha\" is ignored" "an unknown cache type is a warning"
assert_contains "$(cat build.log)" "services.one.build.extra_hosts is not supported yet and is ignored" "extra_hosts is a warning"
mkdir -p "$E2E_WORK/empty"
"$MYBUILD" build -f - -o type=local,dest="$E2E_WORK/one" "$E2E_WORK/empty" <<<'FROM sec-one' >/dev/null 2>&1 || fail "export one"
"$MYBUILD" build -f - -o type=local,dest="$E2E_WORK/two" "$E2E_WORK/empty" <<<'FROM sec-two' >/dev/null 2>&1 || fail "export two"
assert_eq "file-secret" "$(cat "$E2E_WORK/one/token.out")" "a file: secret, short form"
assert_eq "env-secret" "$(cat "$E2E_WORK/one/key.out")" "an environment: secret under its target id"
assert_eq "440 1000" "$(cat "$E2E_WORK/one/key.stat")" "the long form's mode and uid"
assert_eq "none" "$(cat "$E2E_WORK/two/token.out")" "a service that does not declare the secret does not get it"
[ -f cache/index.json ] || fail "cache_to type=local wrote no cache"
pass "cache_to type=local writes a cache"

# A secret not in the top-level secrets: an error naming the key path.
cat >compose.yaml <<'EOF2'
services:
  one:
    build:
      context: .
      secrets: [nothere]
      dockerfile_inline: FROM busybox:e2e
EOF2
set +e
err=$("$MYBUILD" compose build 2>&1)
rc=$?
set -e
assert_eq 1 "$rc" "an undefined secret fails"
assert_contains "$err" 'services.one.build.secrets: secret "nothere" is not defined' "the error names the key path"

#!/usr/bin/env bash
# `compose push` and `compose pull` against a real registry (Debian's docker-registry on 127.0.0.1):
# push sends the image each building service built, under its image: name, with the digest the store
# has (skopeo agrees); pull into a fresh root fetches every service's image: with the same digests; a
# service without image: is skipped; an image the registry lacks fails, or warns with
# --ignore-pull-failures.
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/registry.bash"
require_root
require_tool skopeo
export SOURCE_DATE_EPOCH=1700000000
start_registry main
import_busybox busybox:e2e
"$MYBUILD" tag busybox:e2e "$REGISTRY/shop/db:1"
"$MYBUILD" push -q "$REGISTRY/shop/db:1" >/dev/null || fail "push of the db image"

mkdir -p proj
cd proj
cat >compose.yaml <<EOF2
services:
  app:
    image: $REGISTRY/shop/app:1
    build:
      context: .
      dockerfile_inline: |
        FROM busybox:e2e
        RUN echo app >/app.txt
  db:
    image: $REGISTRY/shop/db:1
  tool:
    build:
      context: .
      dockerfile_inline: FROM busybox:e2e
EOF2
"$MYBUILD" compose build -q app >/dev/null || fail "compose build app"
"$MYBUILD" compose push app >pushed 2>push.log || { cat push.log >&2; fail "compose push app"; }
# The registry gets the layers gzip-compressed (the store keeps built ones uncompressed): the pushed
# manifest is the digest skopeo sees, and a pull gets it back.
app_digest=$(sed -n 's/^app [^@]*@//p' pushed)
assert_eq "app $REGISTRY/shop/app:1@$app_digest" "$(cat pushed)" "compose push reports the pushed digest"
assert_eq "$app_digest" "$(skopeo inspect --tls-verify=false "docker://$REGISTRY/shop/app:1" | jq -r .Digest)" \
  "the registry has the service's image"

db_digest=$(skopeo inspect --tls-verify=false "docker://$REGISTRY/shop/db:1" | jq -r .Digest)  # as pushed: gzip layers
export MYBUILD_ROOT="$E2E_WORK/root2"
"$MYBUILD" compose pull app db tool >pulled 2>pull.log || { cat pull.log >&2; fail "compose pull"; }
assert_eq "app $REGISTRY/shop/app:1@$app_digest
db $REGISTRY/shop/db:1@$db_digest" "$(cat pulled)" "compose pull fetches every service's image"
assert_contains "$(cat pull.log)" "service tool: no image:, nothing to pull" "a service without image: is skipped"
assert_eq "$app_digest" "$("$MYBUILD" inspect "$REGISTRY/shop/app:1" | jq -r '.[0].Descriptor.digest')" "the pulled image is tagged"

sed -i "s|shop/db:1|shop/missing:1|" compose.yaml
set +e
"$MYBUILD" compose pull db >/dev/null 2>missing.log
rc=$?
set -e
assert_eq 1 "$rc" "pulling an image the registry lacks fails"
assert_contains "$(cat missing.log)" "error: service db:" "the error names the service"
"$MYBUILD" compose pull --ignore-pull-failures db >/dev/null 2>ignored.log || fail "--ignore-pull-failures still fails"
assert_contains "$(cat ignored.log)" "warning: service db:" "--ignore-pull-failures warns"

#!/usr/bin/env bash
# `mybuild compose build`: three services in ONE build graph and one solve. base and web share a stage
# (the same FROM and RUN in two Dockerfiles) whose RUN runs once; app builds FROM the image of base
# through `additional_contexts: base: service:base` (a real edge: app's steps start after base's).
# --print shows the plan (contexts, tags, edges) and builds nothing; a second build is all CACHED.
# Asserted from `--progress rawjson` events and the images the build tagged.
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/solver.bash"
export SOURCE_DATE_EPOCH=1700000000
import_busybox busybox:e2e

project="$E2E_WORK/shop"
mkdir -p "$project/assets"
cd "$project"
printf 'web page\n' >web.txt
printf 'logo\n' >assets/logo.txt
cat >base.Dockerfile <<'EOF2'
FROM busybox:e2e AS common
RUN echo common >/common.txt
FROM common
RUN echo base >/who.txt
EOF2
cat >web.Dockerfile <<'EOF2'
FROM busybox:e2e AS common
RUN echo common >/common.txt
FROM common
COPY web.txt /web.txt
COPY --from=assets logo.txt /logo.txt
EOF2
cat >compose.yaml <<'EOF2'
services:
  base:
    build:
      context: .
      dockerfile: base.Dockerfile
  web:
    build:
      context: .
      dockerfile: web.Dockerfile
      additional_contexts:
        assets: ./assets
      tags: ["shop/web:extra"]
  app:
    image: shop/app:1
    build:
      context: .
      additional_contexts:
        base: service:base
      args:
        GREETING: hello
      dockerfile_inline: |
        FROM base
        ARG GREETING
        RUN cat /common.txt /who.txt >/app.txt && echo "$${GREETING}" >>/app.txt
EOF2

# --print: the plan, nothing built.
plan=$("$MYBUILD" compose build --print)
assert_eq "base app web" "$(jq -r '.order | join(" ")' <<<"$plan")" "the plan orders base before app"
assert_eq '{"from":"base","to":"app","context":"base"}' "$(jq -c '.edges[0]' <<<"$plan")" "service:base is an edge"
assert_eq "shop/app:1" "$(jq -r '.services.app.tags[0]' <<<"$plan")" "image: names the service's image"
assert_eq "shop-web shop/web:extra" "$(jq -r '.services.web.tags | join(" ")' <<<"$plan")" "the default name and build.tags"
assert_eq "$project/assets" "$(jq -r '.services.web.contexts.assets.value' <<<"$plan")" "a directory context"
assert_eq "" "$("$MYBUILD" images -q 2>/dev/null | grep -v "$("$MYBUILD" images -q busybox:e2e)" || true)" "--print built nothing"

# The first build: one solve, the shared step once.
"$MYBUILD" compose build --progress rawjson >ids 2>cold.json || { cat cold.json >&2; fail "compose build fails"; }
[ "$(jq -rR 'fromjson? | select(.summary?) | 1' cold.json | wc -l)" = 1 ] || fail "one solve prints one summary"
pass "one summary for three services"
shared=$(jq -rR 'fromjson? | select(.state? == "done") | select(.name | test("RUN echo common")) | .digest' cold.json | sort -u)
assert_eq 1 "$(grep -c . <<<"$shared")" "the step base and web share ran once"
assert_contains "$(steps_in done cold.json)" "app: [2/2] RUN cat /common.txt /who.txt" "step names carry the service"
assert_eq "$(summary_of total cold.json)" "$(summary_of ran cold.json)" "a cold build runs every step"
assert_eq 3 "$(wc -l <ids)" "one image per service"
for name in shop-base shop-web shop/web:extra shop/app:1; do
  "$MYBUILD" images -q "$name" | grep -q . || fail "$name is not tagged"
done
pass "every service's image is tagged"

# app was built from base's image: its files are there, and app's config comes from base's.
mkdir -p "$E2E_WORK/empty"
"$MYBUILD" build -f - -o type=local,dest="$E2E_WORK/app-rootfs" "$E2E_WORK/empty" <<<'FROM shop/app:1' >/dev/null 2>&1 ||
  fail "cannot export the app image"
assert_eq "common
base
hello" "$(cat "$E2E_WORK/app-rootfs/app.txt")" "app's RUN saw base's files and its build arg"
"$MYBUILD" build -f - -o type=local,dest="$E2E_WORK/web-rootfs" "$E2E_WORK/empty" <<<'FROM shop-web' >/dev/null 2>&1
assert_eq "logo" "$(cat "$E2E_WORK/web-rootfs/logo.txt")" "COPY --from a directory context"

# A second build: everything CACHED, the same images.
"$MYBUILD" compose build --progress rawjson >ids2 2>warm.json || { cat warm.json >&2; fail "the second compose build fails"; }
assert_all_cached warm.json "a second compose build is all CACHED"
assert_eq "$(cat ids)" "$(cat ids2)" "the second build gives the same images"

# One service (and what it builds on).
"$MYBUILD" compose build --progress rawjson app >ids3 2>one.json
assert_eq "app base" "$(cut -d' ' -f1 ids3 | sort | tr '\n' ' ' | sed 's/ $//')" "building app builds base too"

# An unknown service is an error naming it.
set +e
err=$("$MYBUILD" compose build nothere 2>&1)
rc=$?
set -e
assert_eq 1 "$rc" "an unknown service fails"
assert_contains "$err" 'no such service: "nothere"' "the error names the service"

# FROM the image another service builds (no additional_contexts): the same solve builds it first.
mkdir -p "$E2E_WORK/tools"
cd "$E2E_WORK/tools"
cat >compose.yaml <<'EOF2'
services:
  tool:
    build:
      context: .
      dockerfile_inline: |
        FROM tools/lib:dev
        RUN cat /lib.txt >/tool.txt
  lib:
    image: tools/lib:dev
    build:
      context: .
      dockerfile_inline: |
        FROM busybox:e2e
        RUN echo lib >/lib.txt
EOF2
assert_eq '{"from":"lib","to":"tool","context":"tools/lib:dev"}' "$("$MYBUILD" compose build --print | jq -c '.edges[0]')" \
  "FROM another service's image is an edge"
"$MYBUILD" compose build --progress plain >/dev/null 2>tools.log || { cat tools.log >&2; fail "compose build FROM a service's image fails"; }
"$MYBUILD" build -f - -o type=local,dest="$E2E_WORK/tool-rootfs" "$E2E_WORK/empty" <<<'FROM tools-tool' >/dev/null 2>&1
assert_eq "lib" "$(cat "$E2E_WORK/tool-rootfs/tool.txt")" "the image built in the same solve is the base"

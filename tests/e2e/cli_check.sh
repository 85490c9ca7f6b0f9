#!/usr/bin/env bash
# `mybuild build --check`: warnings with location, source line, caret and hint, a summary, exit codes, and
# the configuration by directive and by build arg. Nothing is built (no root, no privileges needed).
source "$MYBUILD_E2E_LIB"
cd "$E2E_WORK"
mkdir ctx
printf 'FROM busybox as Build\nMAINTAINER me\nCMD echo hi\n' >ctx/Dockerfile

out=$("$MYBUILD" build --check ctx)
assert_contains "$out" "Dockerfile:1:1: FromAsCasing: 'as' and 'FROM' keywords' casing do not match" "FromAsCasing with its location"
assert_contains "$out" "Dockerfile:1:1: StageNameCasing: Stage name 'Build' should be lowercase" "StageNameCasing"
assert_contains "$out" "Dockerfile:2:1: MaintainerDeprecated: Maintainer instruction is deprecated in favor of using label" "MaintainerDeprecated"
assert_contains "$out" "Dockerfile:3:1: JSONArgsRecommended: JSON arguments recommended for CMD" "JSONArgsRecommended"
assert_contains "$out" "  CMD echo hi
  ^
  hint: use the JSON form" "the source line, a caret and a hint"
assert_contains "$out" "Dockerfile:1:1: UnpinnedBaseImage: Base image 'busybox' is unpinned" "our own rules fire as well"
assert_contains "$out" "5 warnings found" "the summary counts the warnings"
out2=$("$MYBUILD" build --call=check ctx)
assert_eq "$out" "$out2" "--call=check is --check"

printf '# check=skip=JSONArgsRecommended,StageNameCasing;error=true\nFROM busybox:1.36 AS build\nMAINTAINER me\nCMD echo hi\n' >ctx/Dockerfile
set +e
out=$("$MYBUILD" build --check ctx 2>/dev/null); code=$?
set -e
assert_eq 1 "$code" "error=true with a warning exits 1"
assert_contains "$out" "1 warning found" "skip= in the directive leaves one rule"
[[ "$out" != *JSONArgsRecommended* ]] || fail "a skipped rule does not fire"; pass "a skipped rule does not fire"

out=$("$MYBUILD" build --check --build-arg BUILDKIT_DOCKERFILE_CHECK=skip=all ctx)
assert_contains "$out" "no warnings found" "the build arg overrides the directive"

printf 'FROM busybox:1.36\nCMD ["true"]\n' >ctx/Dockerfile
out=$("$MYBUILD" build --check ctx)
assert_contains "$out" "no warnings found" "a clean Dockerfile"

printf 'FROM busybox\nCMD true\n' >ctx/Dockerfile
out=$("$MYBUILD" build --check --progress rawjson ctx)
assert_contains "$out" '"rule":"JSONArgsRecommended"' "rawjson gives one event per warning"

#!/usr/bin/env bash
# `build --build-context NAME=VALUE` as in buildx: a directory is read like a stage by COPY --from=NAME and
# RUN --mount=from=NAME (with that directory's own .dockerignore), `docker-image://REF` replaces FROM NAME;
# a rebuild is all CACHED and an edit in the named directory reruns only what reads it. Bad values are
# usage errors (exit 2) that say what was expected; a name that is also a stage is refused with the
# Dockerfile location. `--pull` pulls every base again (a base that exists only locally then fails).
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/images.bash"
require_root
export SOURCE_DATE_EPOCH=1700000000
cd "$E2E_WORK"
import_busybox bb:latest
mkdir -p other && printf 'FROM bb:latest\nRUN echo other >/other-marker\n' >other/Dockerfile
mb_build -t other-base:1 other >/dev/null

mkdir -p ctx docs
echo "from the main context" >ctx/main.txt
echo "the docs context" >docs/readme.txt
echo "left out" >docs/secret.txt
printf 'secret.txt\n' >docs/.dockerignore
cat >ctx/Dockerfile <<'DOCKERFILE'
FROM base
COPY main.txt /main.txt
RUN echo independent >/independent.txt
COPY --from=docs / /docs/
RUN --mount=from=docs,target=/d cat /d/readme.txt >/mounted.txt && ls /d >/listing.txt
DOCKERFILE

mb_build --build-context docs=docs --build-context base=docker-image://other-base:1 -o type=local,dest=out ctx >/dev/null
assert_eq "from the main context" "$(cat out/main.txt)" "the main context is still the context"
assert_eq "the docs context" "$(cat out/docs/readme.txt)" "COPY --from=NAME reads the named directory"
assert_eq "the docs context" "$(cat out/mounted.txt)" "RUN --mount=from=NAME binds the named directory"
[ ! -e out/docs/secret.txt ] || fail "the named directory's .dockerignore applies to COPY --from"
assert_eq "readme.txt" "$(tr '\n' ' ' <out/listing.txt | sed 's/ $//')" "and to the mount"
assert_eq "other" "$(cat out/other-marker)" "FROM NAME takes the docker-image:// context"

mb_build --build-context docs=docs --build-context base=docker-image://other-base:1 ctx >/dev/null
[[ "$(build_summary_in "$E2E_WORK/last-build.log")" =~ \ 0\ ran, ]] ||
  fail "the rebuild is all CACHED: $(build_summary_in "$E2E_WORK/last-build.log")"
pass "the rebuild is all CACHED"
echo "edited docs" >docs/readme.txt
mb_build --build-context docs=docs --build-context base=docker-image://other-base:1 -o type=local,dest=out2 ctx >/dev/null
assert_eq "edited docs" "$(cat out2/mounted.txt)" "an edit in the named directory is seen"
grep -A1 -E '^#[0-9]+ \[[0-9]+/[0-9]+\] RUN echo independent' "$E2E_WORK/last-build.log" | grep -q CACHED ||
  fail "the steps that do not read the named directory stay CACHED"
pass "only the steps that read the named directory run again"
echo "ignored" >docs/secret.txt
mb_build --build-context docs=docs --build-context base=docker-image://other-base:1 ctx >/dev/null
[[ "$(build_summary_in "$E2E_WORK/last-build.log")" =~ \ 0\ ran, ]] ||
  fail "a change to an ignored file of the named directory reruns nothing: $(build_summary_in "$E2E_WORK/last-build.log")"
pass "a change to an ignored file of the named directory reruns nothing"

# Usage errors: exit 2, nothing built.
usage_error() {  # usage_error EXPECTED-TEXT ARGS…
  local expected=$1 status=0
  shift
  "$MYBUILD" build --progress plain "$@" ctx >/dev/null 2>err.txt || status=$?
  assert_eq 2 "$status" "mybuild build $* exits 2"
  assert_contains "$(cat err.txt)" "$expected" "mybuild build $* says: $expected"
}
usage_error "expected NAME=DIR or NAME=docker-image://REF" --build-context docs
usage_error "not a directory" --build-context docs=does-not-exist
usage_error "is given twice" --build-context docs=docs --build-context docs=ctx
usage_error "only a local directory or docker-image://REF is supported" --build-context docs=https://example.invalid/x.git

printf 'FROM bb:latest AS docs\nRUN true\nFROM docs\n' >ctx/Dockerfile.stage
status=0
"$MYBUILD" build --progress plain -f ctx/Dockerfile.stage --build-context docs=docs ctx >/dev/null 2>err.txt || status=$?
[ "$status" != 0 ] || fail "a named context that is also a stage is refused"
assert_contains "$(cat err.txt)" "Dockerfile.stage:1:1" "the refusal names the stage's location"
assert_contains "$(cat err.txt)" "replacing a stage by a named context is not supported" "and says why"

# --pull: a base that exists only in the store cannot be pulled again.
printf 'FROM bb:latest\nRUN true\n' >ctx/Dockerfile.pull
mb_build -f ctx/Dockerfile.pull ctx >/dev/null
mb_build_fails --pull -f ctx/Dockerfile.pull ctx
assert_contains "$(cat "$E2E_WORK/last-build.log")" "--pull: pulling docker.io/library/bb:latest" "--pull pulls the base again"

#!/usr/bin/env bash
# The command line's contract for `parse`, help, version and exit codes (0 ok, 1 failure, 2 usage).
source "$MYBUILD_E2E_LIB"
cd "$E2E_WORK"

grep -q "parse" <<<"$("$MYBUILD" --help)" || fail "--help lists the subcommands"
pass "--help lists subcommands"
assert_contains "$("$MYBUILD" --version)" "mybuild version" "--version"

set +e
"$MYBUILD" --no-such-flag >/dev/null 2>&1; code=$?
set -e
assert_eq 2 "$code" "unknown flag is a usage error"

printf 'FROM busybox\nRUN echo hi \\\n  there\nCMD ["a", "b"]\n' >Dockerfile
assert_eq '(from "busybox")
(run "echo hi   there")
(cmd "a" "b")' "$("$MYBUILD" parse)" "parse dumps the AST of ./Dockerfile"
assert_eq '(from "x")' "$(printf 'FROM x\n' | "$MYBUILD" parse -f -)" "parse -f - reads stdin"

json=$("$MYBUILD" parse --json -f Dockerfile)
assert_contains "$json" '"keyword": "cmd"' "parse --json has keywords"
assert_contains "$json" '"form": "json"' "parse --json marks the exec form"

printf 'FROM busybox\nRUNN echo hi\n' >Bad.Dockerfile
set +e
err=$("$MYBUILD" parse -f Bad.Dockerfile 2>&1 >/dev/null); code=$?
set -e
assert_eq 0 "$code" "an unknown instruction parses (as in the reference parser; build refuses it)"
assert_contains "$err" "Bad.Dockerfile:2:1:" "the warning names file, line and column"
assert_contains "$err" "did you mean RUN" "an unknown instruction gets a suggestion"
assert_eq '(from "busybox")
(runn "")' "$("$MYBUILD" parse -f Bad.Dockerfile 2>/dev/null)" "the tree shows the unknown instruction as the reference dump does"

# A bare HEALTHCHECK: the reference parser accepts it (only its instruction parser refuses it).
printf 'FROM busybox\nHEALTHCHECK\n' >Health.Dockerfile
assert_eq '(from "busybox")
(healthcheck)' "$("$MYBUILD" parse -f Health.Dockerfile 2>/dev/null)" "parse prints a bare HEALTHCHECK"
set +e
err=$("$MYBUILD" build --check -f Health.Dockerfile . 2>&1 >/dev/null); code=$?
set -e
assert_eq 1 "$code" "--check refuses a bare HEALTHCHECK"
assert_contains "$err" "Health.Dockerfile:2:1: HEALTHCHECK requires at least one argument" "--check says where and what"


set +e
"$MYBUILD" parse -f does-not-exist >/dev/null 2>&1; code=$?
set -e
assert_eq 1 "$code" "a missing Dockerfile exits 1"

# A first word that is neither a command nor a directory is an unknown command (exit 2, nearest command).
# expect_usage WHAT NEEDLE ARGS…: mybuild ARGS… exits 2 and its stderr holds NEEDLE.
expect_usage() {
  local what=$1 needle=$2
  shift 2
  set +e
  err=$("$MYBUILD" "$@" 2>&1 >/dev/null); code=$?
  set -e
  assert_eq 2 "$code" "$what exits 2"
  assert_contains "$err" "$needle" "$what says so"
}
expect_usage 'mybuild buidl .' 'unknown command "buidl" (did you mean build?)' buidl .
expect_usage 'mybuild imgaes' 'unknown command "imgaes" (did you mean images?)' imgaes
expect_usage 'mybuild --root /nonexistent prse' 'unknown command "prse" (did you mean parse?)' --root /nonexistent prse
expect_usage 'mybuild zzzzzzzz' 'unknown command "zzzzzzzz" (neither a command nor a directory' zzzzzzzz

# Bad flag values of build are usage errors, found before the context, the Dockerfile or the root are read.
mkdir -p ctx && printf 'FROM busybox\n' >ctx/Dockerfile && : >existing.tar
expect_usage '--build-arg =oops' 'invalid --build-arg "=oops": empty name' --root "$E2E_WORK/r" build --build-arg =oops ctx
expect_usage '--label oops' 'invalid --label "oops": expected KEY=VALUE' --root "$E2E_WORK/r" build --label oops ctx
expect_usage '-o type=bogus' 'unknown output type "bogus"' --root "$E2E_WORK/r" build -o type=bogus ctx
expect_usage '-o type=oci without dest' 'needs dest=PATH' --root "$E2E_WORK/r" build -o type=oci ctx
expect_usage '--network bridge' '--network' --root "$E2E_WORK/r" build --network bridge ctx
expect_usage '-o existing.tar (a bare path is type=local)' 'is an existing file: for one tar file say -o type=tar,dest=existing.tar' \
  --root "$E2E_WORK/r" build -o existing.tar ctx
expect_usage '-o dest=existing.tar (no type is type=local)' 'is an existing file' \
  --root "$E2E_WORK/r" build -o dest=existing.tar ctx
expect_usage '--build-arg =oops with the default command' 'empty name' --root "$E2E_WORK/r" --build-arg =oops ctx
[ ! -s existing.tar ] || fail "a refused -o wrote into the existing file"
pass "a refused -o leaves the existing file as it was"
[ ! -e "$E2E_WORK/r" ] || fail "a usage error touched the root"
pass "a usage error creates no state root"

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
assert_eq 1 "$code" "a parse error exits 1"
assert_contains "$err" "Bad.Dockerfile:2:1:" "the error names file, line and column"
assert_contains "$err" "did you mean RUN" "an unknown instruction gets a suggestion"

set +e
"$MYBUILD" parse -f does-not-exist >/dev/null 2>&1; code=$?
set -e
assert_eq 1 "$code" "a missing Dockerfile exits 1"

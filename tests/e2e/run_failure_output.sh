#!/usr/bin/env bash
# A failing RUN's output is shown twice, as BuildKit shows it (issue 10.6: it was shown three times):
# BuildKit's plain progress prints the step's log lines ("#6 0.215 MARKER"), then a one-line
# "#6 ERROR: process ... did not complete successfully: exit code: 3" without the output, then the error
# summary with the Dockerfile location that quotes the step's last lines once more. mybuild matches it:
# the marker once as the step's log line, the step's ERROR line only the headline, and the final
# "error: Dockerfile:LINE…: RUN … exited with code 3" with the last lines: 2 occurrences in all.
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/run.bash"
require_root
cd "$E2E_WORK"
import_busybox run-base:latest
mkdir ctx
# The marker is put together by the shell, so that the command echoed in the error lines does not contain it.
printf 'FROM run-base:latest\nRUN m=MARKER; echo $m-xyz >&2; exit 3\n' >ctx/Dockerfile
status=0
"$MYBUILD" build --progress plain --no-cache ctx >out.txt 2>err.txt || status=$?
assert_eq 1 "$status" "the failing build exits 1"
assert_eq 2 "$(grep -c 'MARKER-xyz' err.txt)" "the marker is printed twice in all"
assert_eq 1 "$(grep -E '^#[0-9]+ [0-9.]+ MARKER-xyz$' err.txt | wc -l)" "once as the step's log line"
grep -E '^#[0-9]+ ERROR: RUN .* exited with code 3$' err.txt >/dev/null || { cat err.txt >&2; fail "the step's ERROR line"; }
pass "the step's ERROR line is the headline only"
grep -A3 '^error: .*Dockerfile:2' err.txt | grep -q '^  MARKER-xyz$' || { cat err.txt >&2; fail "the final error quotes the tail"; }
pass "the final error names the location and quotes the last lines once"

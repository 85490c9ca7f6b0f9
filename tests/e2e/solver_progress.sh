#!/usr/bin/env bash
# Progress output: plain is the default when stderr is not a terminal, every mode ends with a summary
# ("N steps: X ran, Y cached"), quiet prints only the digest, rawjson is one JSON object a line.
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/solver.bash"
cd "$E2E_WORK"
import_busybox base:latest

mkdir ctx
printf 'hello\n' >ctx/hello
cat >ctx/Dockerfile <<'EOF2'
FROM base:latest
COPY hello /hello
RUN echo from-the-run-step && cat /hello
EOF2

digest=$("$MYBUILD" build ctx 2>plain.txt) || { cat plain.txt >&2; fail "the build fails"; }
[[ "$digest" =~ ^sha256:[0-9a-f]{64}$ ]] || fail "stdout is the image ID, got [$digest]"
pass "stdout carries only the image ID"
grep -qx "image $digest, manifest sha256:[0-9a-f]\{64\}" plain.txt || fail "stderr names the image ID and the manifest digest"
pass "stderr names the image ID and the manifest digest"
grep -Eq "^#[0-9]+ \[3/3\] RUN echo from-the-run-step && cat /hello$" plain.txt || fail "auto is plain when stderr is not a terminal: numbered steps named [i/n]"
pass "auto is plain when stderr is not a terminal: numbered steps named [i/n]"
grep -Eq '^#[0-9]+ [0-9]+\.[0-9]{3} from-the-run-step$' plain.txt || fail "plain mode shows RUN output with its step number: $(cat plain.txt)"
pass "plain mode shows RUN output with its step number"
grep -Eq '^#[0-9]+ DONE [0-9.]+s$' plain.txt || fail "plain mode shows DONE with a duration"
pass "plain mode shows DONE with a duration"
grep -q $'\e' plain.txt && fail "plain mode writes no escape sequences"
pass "plain mode writes no escape sequences"
grep -Eq '^4 steps: 4 ran, 0 cached in [0-9.]+s$' plain.txt || fail "a summary line ends the output: $(tail -1 plain.txt)"
pass "a summary line ends a cold build"

"$MYBUILD" build --progress plain ctx 2>again.txt >/dev/null
grep -Eq '^#[0-9]+ CACHED$' again.txt || fail "cached steps say CACHED"
pass "cached steps say CACHED"
grep -Eq '^4 steps: 0 ran, 4 cached in [0-9.]+s$' again.txt || fail "the summary counts cached steps: $(tail -1 again.txt)"
pass "the summary counts cached steps"

"$MYBUILD" build --progress quiet ctx 2>quiet.txt >/dev/null
assert_eq "" "$(cat quiet.txt)" "quiet mode prints nothing on stderr"

"$MYBUILD" build --progress rawjson ctx 2>raw.json >/dev/null
jq -e . raw.json >/dev/null || fail "rawjson is JSON lines"
assert_eq 4 "$(summary_of cached raw.json)" "rawjson ends with a summary object"

set +e
"$MYBUILD" build --progress fancy ctx >/dev/null 2>bad.txt
code=$?
set -e
[ "$code" -ne 0 ] || fail "an unknown progress mode is an error"
assert_contains "$(cat bad.txt)" "plain" "the error lists the modes"

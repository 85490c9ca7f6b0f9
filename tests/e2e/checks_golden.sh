#!/usr/bin/env bash
# Golden cases of the build checks and of `--call=outline|targets` (testdata/checks/CASE/): each folder
# holds a Dockerfile (and whatever context it needs), `args` (the mybuild arguments, one per line, the
# context "." last) and `expected` (stdout, then "exit: N"). Nothing is built.
# MYBUILD_UPDATE_GOLDEN=1 rewrites the expected files from the current output (review the diff).
source "$MYBUILD_E2E_LIB"
cases=0
for dir in "$MYBUILD_TESTDATA"/checks/*/; do
  name=$(basename "$dir")
  mapfile -t args <"$dir/args"
  set +e
  actual=$(cd "$dir" && "$MYBUILD" "${args[@]}" 2>/dev/null; echo "exit: $?")
  set -e
  if [ -n "${MYBUILD_UPDATE_GOLDEN:-}" ]; then
    printf '%s\n' "$actual" >"$dir/expected"
  fi
  expected=$(cat "$dir/expected")
  if [ "$expected" != "$actual" ]; then
    diff <(printf '%s\n' "$expected") <(printf '%s\n' "$actual") >&2 || true
    fail "$name: the output differs from $dir/expected"
  fi
  pass "$name"
  cases=$((cases + 1))
done
[ "$cases" -gt 0 ] || fail "no cases under $MYBUILD_TESTDATA/checks"

#!/usr/bin/env bash
# The build checks over the real-world Dockerfiles in the conformance set, in one process (`mybuild
# check`, the code of `build --check`): none may crash or end in an error (exit 0: none of them sets
# check=error=true, all parse); the warnings per rule are printed, our own rules included (no assertion
# on counts).
source "$MYBUILD_E2E_LIB"
dir="$MYBUILD_CONFORMANCE/realworld"
[ -d "$dir" ] || skip "no real-world Dockerfiles at $dir"
mapfile -t files < <(find "$dir" -type f -iname '*dockerfile*' | sort)
[ "${#files[@]}" -gt 0 ] || fail "no Dockerfiles found under $dir"
set +e
out=$("$MYBUILD" check --summary "${files[@]}" 2>&1); code=$?
set -e
[ "$code" -eq 0 ] || fail "check of the real-world files: exit $code: $(grep -v '^warning: ' <<<"$out")"
assert_contains "$out" "${#files[@]} files, " "every file was checked"
pass "the checks ran on ${#files[@]} real-world Dockerfiles without an error"
sed -n '/ files, /,$p' <<<"$out"
# One of them through `build --check` as well (the same checks, one process per Dockerfile).
"$MYBUILD" build --check -f "${files[0]}" "$(dirname "${files[0]}")" >/dev/null || fail "build --check of ${files[0]}"
pass "build --check of ${files[0]}"

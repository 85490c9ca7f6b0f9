#!/usr/bin/env bash
# `--check` over the real-world Dockerfiles in the conformance set: none may crash or end in an error
# (exit 0: none of them sets check=error=true); the warnings per rule are printed (no assertion on counts).
source "$MYBUILD_E2E_LIB"
dir="$MYBUILD_CONFORMANCE/realworld"
[ -d "$dir" ] || skip "no real-world Dockerfiles at $dir"
files=0
: >all.txt
while IFS= read -r -d '' f; do
  files=$((files + 1))
  set +e
  out=$("$MYBUILD" build --check -f "$f" "$(dirname "$f")" 2>&1); code=$?
  set -e
  [ "$code" -eq 0 ] || fail "--check of $f: exit $code: $out"
  printf '%s\n' "$out" >>all.txt
done < <(find "$dir" -type f -iname '*dockerfile*' -print0)
[ "$files" -gt 0 ] || fail "no Dockerfiles found under $dir"
pass "--check ran on $files real-world Dockerfiles without an error"
grep -oE '^[^ ]+:[0-9]+:[0-9]+: [A-Za-z]+: ' all.txt | awk '{print $2}' | sort | uniq -c | sort -rn || true

#!/usr/bin/env bash
# Real-world Dockerfiles (../shared/conformance/realworld) built to completion on a Debian base, with only
# their FROM lines adapted as realworld.tsv says; every line of the group GROUP, in order, in one store.
# Checks that the adaptation changed nothing but FROM lines, and for each line: the build succeeds and tags
# its image; a rebuild is all CACHED; `mybuild run --rm` of the image prints what it should; where the line
# names a context file to edit, a rebuild after the edit runs exactly the steps after it (the rest CACHED).
#   usage: run_realworld.sh GROUP   (ctest: "e2e: realworld GROUP")
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/debian.bash"
source "$(dirname "$MYBUILD_E2E_LIB")/containers.bash"
group=${1:?usage: run_realworld.sh GROUP}
here=$(cd "$(dirname "$0")" && pwd)
realworld="${MYBUILD_CONFORMANCE:-}/realworld"
[ -d "$realworld" ] || skip "conformance data not found (looked for $realworld)"
require_root
require_debian_archive
cd "$E2E_WORK"

lines=$(awk -F'\t' -v g="$group" '!/^#/ && $1 == g' "$here/realworld.tsv")
[ -n "$lines" ] || fail "no line of group $group in $here/realworld.tsv"

imported=" "
n=0
while IFS=$'\t' read -r _ base tag file from_sed context flags run_cmd run_expect edit ran_after_edit; do
  n=$((n + 1))
  if [[ "$imported" != *" $base "* ]]; then
    start=$SECONDS
    import_debian_suite "$base"
    echo "time: import debian:$base $((SECONDS - start)) s"
    imported+="$base "
  fi
  source_file="$realworld/$file"
  [ -f "$source_file" ] || skip "conformance data not found ($source_file)"
  ctx="$E2E_WORK/ctx$n"
  mkdir -p "$ctx"
  [ "$context" = - ] || cp -a "$here/contexts/$context/." "$ctx/"
  [ "$from_sed" = - ] && from_sed=''
  sed -E "/^FROM[[:space:]]/I{$from_sed}" "$source_file" >"$ctx/Dockerfile"
  changed=$(diff "$source_file" "$ctx/Dockerfile" | grep -E '^[<>] ' | grep -viE '^[<>] FROM[[:space:]]' || true)
  [ -z "$changed" ] || fail "$file: the adaptation changes only FROM lines, not: $changed"
  args=(-t "$tag")
  if [ "$flags" != - ]; then
    read -r -a extra <<<"$flags"
    args+=("${extra[@]}")
  fi
  start=$SECONDS
  "$MYBUILD" build --progress plain "${args[@]}" "$ctx" >/dev/null 2>"$E2E_WORK/build$n.log" ||
    { tail -n 40 "$E2E_WORK/build$n.log" >&2; fail "$file builds (as $tag)"; }
  pass "$file builds to completion as $tag ($(build_summary_in "$E2E_WORK/build$n.log"))"
  echo "time: $file $((SECONDS - start)) s"
  "$MYBUILD" images "${tag%%:*}" | grep -q "^${tag%%:*} " || fail "mybuild images lists $tag"

  "$MYBUILD" build --progress plain "${args[@]}" "$ctx" >/dev/null 2>"$E2E_WORK/again$n.log" ||
    { cat "$E2E_WORK/again$n.log" >&2; fail "the rebuild of $file"; }
  [[ "$(build_summary_in "$E2E_WORK/again$n.log")" =~ ^[0-9]+\ steps:\ 0\ ran, ]] ||
    fail "the rebuild of $file is all CACHED: $(build_summary_in "$E2E_WORK/again$n.log"); ran: $(steps_ran "$E2E_WORK/again$n.log")"
  pass "the rebuild of $file is all CACHED"

  status=$(run_status --rm "$tag" sh -c "$run_cmd")
  [ "$status" = 0 ] || { cat "$E2E_WORK/err" >&2; fail "mybuild run --rm $tag exits 0, not $status"; }
  grep -Eq -- "$run_expect" "$E2E_WORK/out" ||
    fail "mybuild run --rm $tag sh -c '$run_cmd' prints /$run_expect/, not: $(head -c 300 "$E2E_WORK/out")"
  pass "the image $tag runs: $(head -n 1 "$E2E_WORK/out")"
  assert_no_leaks "mybuild run --rm $tag"

  if [ "$edit" != - ]; then
    case $edit in
      *.c) printf '\n/* edited by the test */\n' >>"$ctx/$edit" ;;
      *) printf '\n# edited by the test\n' >>"$ctx/$edit" ;;
    esac
    "$MYBUILD" build --progress plain "${args[@]}" "$ctx" >/dev/null 2>"$E2E_WORK/edited$n.log" ||
      { tail -n 40 "$E2E_WORK/edited$n.log" >&2; fail "the rebuild of $file after editing $edit"; }
    assert_eq "$(tr '|' '\n' <<<"$ran_after_edit")" "$(steps_ran "$E2E_WORK/edited$n.log")" \
      "after editing $edit only the tail of $file rebuilds"
  fi
done <<<"$lines"

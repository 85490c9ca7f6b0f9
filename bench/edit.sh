#!/usr/bin/env bash
# Edit benchmark (issue 5): a Dockerfile of the form base / COPY deps / RUN / COPY src / RUN, where the
# dependencies are the big part (workload 2's 8,000 files / 200 MB, read by their RUN) and the sources are
# 21 small files. Cold build from fresh state, then one source file edited and rebuilt: the rebuild runs
# only the last COPY and RUN. Target: the rebuild at most 25 % of the cold build. RUNS runs (default 5).
#   usage: bench/edit.sh [MYBUILD_BINARY]    env: RUNS, BENCH_ROWS (tab-separated row)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mybuild=$(realpath "${1:-$here/../build/bin/mybuild}")
runs=${RUNS:-5}
source "$here/lib.sh"

work=$(mktemp -d /var/tmp/mybuild-edit-bench.XXXXXX)
cleanup() { unmount_and_remove "$work"; }
trap cleanup EXIT
base="$work/base"
make_edit_project "$work"

build="'$mybuild' --root '$work/root' build --progress quiet -o type=oci,dest='$work/out.tar' '$work/ctx'"
colds=() edits=() percents=()
for ((i = 0; i <= runs; i++)); do  # run 0 is the warm-up
  rm -rf "$work/root"
  "$mybuild" --root "$work/root" import "$base" localhost/edit-base:latest >/dev/null
  sync
  read -r cold _ < <(bench_time sh -c "$build")
  echo "// edit $i" >>"$work/ctx/src/main.c"
  sync
  read -r edit _ < <(bench_time sh -c "$build")
  [ "$i" -eq 0 ] && continue
  colds+=("$cold"); edits+=("$edit")
  percents+=("$(awk -v e="$edit" -v c="$cold" 'BEGIN {printf "%.1f", 100 * e / c}')")
done
cm=$(printf '%s\n' "${colds[@]}" | median)
em=$(printf '%s\n' "${edits[@]}" | median)
pm=$(printf '%s\n' "${percents[@]}" | median)
printf 'cold build:  median %ss (%s)\n' "$cm" "${colds[*]}"
printf 'edit rebuild: median %ss (%s)\n' "$em" "${edits[*]}"
printf 'rebuild / cold (median of runs): %s %%\n' "$pm"
[ -n "${BENCH_ROWS:-}" ] && printf '%s\t%s\t%s\t%s\t%s\n' "$cm" "${colds[*]}" "$em" "${edits[*]}" "$pm" >>"$BENCH_ROWS"
exit 0

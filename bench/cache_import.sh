#!/usr/bin/env bash
# Workload 9: a CI job on a fresh machine. The workload-8 project (base / COPY 200 MB of deps / RUN over
# them / COPY src / RUN) is built once with --cache-to into a cache directory; then, from an empty root each
# time (a new CI runner), (a) the cold build, (b) the same sources with --cache-from (nothing to run),
# (c) one source file edited, with --cache-from (only the last COPY and RUN run). mybuild only: the
# directory cache has no Buildah counterpart (Buildah's --cache-from needs a registry).
#   usage: bench/cache_import.sh [MYBUILD_BINARY]    env: RUNS (default 5), BENCH_ROWS (append a table row)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mybuild=$(realpath "${1:-$here/../build/bin/mybuild}")
runs=${RUNS:-5}
source "$here/lib.sh"

work=$(mktemp -d /var/tmp/mybuild-cache-bench.XXXXXX)
cleanup() { unmount_and_remove "$work"; }
trap cleanup EXIT
base="$work/base"
make_edit_project "$work"
export SOURCE_DATE_EPOCH=1700000000  # the base image's identity (and so every cache key) must not depend on the clock

fresh_root() {
  rm -rf "$work/root"
  "$mybuild" --root "$work/root" import "$base" localhost/edit-base:latest >/dev/null
  sync
}
build="'$mybuild' --root '$work/root' build --progress quiet -o type=oci,dest='$work/out.tar'"
fresh_root
sh -c "$build --cache-to type=local,dest='$work/cache',mode=max '$work/ctx'" >/dev/null

colds=() warms=() edits=()
for ((i = 0; i <= runs; i++)); do  # run 0 is the warm-up
  fresh_root
  read -r cold _ < <(bench_time sh -c "$build '$work/ctx'")
  fresh_root
  read -r warm _ < <(bench_time sh -c "$build --cache-from type=local,src='$work/cache' '$work/ctx'")
  fresh_root
  echo "// edit $i" >>"$work/ctx/src/main.c"
  read -r edit _ < <(bench_time sh -c "$build --cache-from type=local,src='$work/cache' '$work/ctx'")
  sed -i '$d' "$work/ctx/src/main.c"
  [ "$i" -eq 0 ] && continue
  colds+=("$cold"); warms+=("$warm"); edits+=("$edit")
done
cm=$(printf '%s\n' "${colds[@]}" | median)
wm=$(printf '%s\n' "${warms[@]}" | median)
em=$(printf '%s\n' "${edits[@]}" | median)
printf 'cold build, fresh root:            median %ss (%s)\n' "$cm" "${colds[*]}"
printf 'fresh root + --cache-from:         median %ss (%s)\n' "$wm" "${warms[*]}"
printf 'fresh root + --cache-from + edit:  median %ss (%s)\n' "$em" "${edits[*]}"
[ -n "${BENCH_ROWS:-}" ] && printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$cm" "${colds[*]}" "$wm" "${warms[*]}" "$em" "${edits[*]}" >>"$BENCH_ROWS"
exit 0

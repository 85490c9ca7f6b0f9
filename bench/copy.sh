#!/usr/bin/env bash
# COPY benchmark (issue 3): one COPY of 8,000 text files / 200 MB into one gzip layer, built end to end to
# an OCI tarball from a fresh state directory, side by side with `tar -c | gzip -6 | sha256sum` over the
# same files (the two alternate, RUNS runs each after a warm-up; whole processes under /usr/bin/time).
# Target: mybuild's median within 1.5x of the pipeline's, peak RSS under 150 MB. After each cold build the
# same build runs again (all cached) for issue 5's no-op figure: under 0.5 s and at most 5 % of the cold.
#   usage: bench/copy.sh [MYBUILD_BINARY]    env: RUNS (default 5), BENCH_ROWS (tab-separated rows)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mybuild=$(realpath "${1:-$here/../build/bin/mybuild}")
runs=${RUNS:-5}
source "$here/lib.sh"

work=$(mktemp -d /var/tmp/mybuild-copy-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
make_text_tree "$work/ctx/data"
printf 'FROM scratch\nCOPY data /data\n' >"$work/ctx/Dockerfile"

noop_cmd="'$mybuild' --root '$work/root' build --progress quiet -o type=oci,dest='$work/out.tar' '$work/ctx'"
build_cmd="rm -rf '$work/root' && $noop_cmd"
tar_cmd="tar -C '$work/ctx' -c data | gzip -6 | sha256sum"
m_wall=() m_rss=() t_wall=() t_rss=() ratios=() n_wall=()
for ((i = 0; i <= runs; i++)); do  # run 0 is the warm-up
  sync  # the previous run's writes reach the disk first
  read -r mw mk < <(bench_time sh -c "$build_cmd")
  sync
  read -r nw nk < <(bench_time sh -c "$noop_cmd")  # the same build again: everything cached (issue 5)
  read -r tw tk < <(bench_time sh -c "$tar_cmd")
  [ "$i" -eq 0 ] && continue
  n_wall+=("$nw")
  m_wall+=("$mw"); m_rss+=("$mk"); t_wall+=("$tw"); t_rss+=("$tk")
  ratios+=("$(awk -v a="$mw" -v b="$tw" 'BEGIN {printf "%.3f", (b > 0 ? a / b : 0)}')")
done
stats() {  # stats WALLS…: "median min max"
  printf '%s %s %s' "$(printf '%s\n' "$@" | median)" "$(printf '%s\n' "$@" | sort -n | head -1)" \
    "$(printf '%s\n' "$@" | sort -n | tail -1)"
}
rss_mb() { printf '%s\n' "$@" | median | awk '{printf "%.1f", $1/1024}'; }
read -r mm mmin mmax <<<"$(stats "${m_wall[@]}")"
read -r tm tmin tmax <<<"$(stats "${t_wall[@]}")"
ratio=$(printf '%s\n' "${ratios[@]}" | median)
printf 'mybuild COPY to OCI tar:   median %ss (%s–%s), peak RSS %s MB\n' "$mm" "$mmin" "$mmax" "$(rss_mb "${m_rss[@]}")"
printf 'tar | gzip -6 | sha256sum: median %ss (%s–%s), peak RSS %s MB\n' "$tm" "$tmin" "$tmax" "$(rss_mb "${t_rss[@]}")"
printf 'ratio mybuild / pipeline (median of pairs): %s\n' "$ratio"
read -r nm nmin nmax <<<"$(stats "${n_wall[@]}")"
printf 'no-op rebuild of the same context: median %ss (%s–%s) = %s %% of the cold build\n' "$nm" "$nmin" "$nmax" \
  "$(awk -v n="$nm" -v c="$mm" 'BEGIN {printf "%.1f", 100 * n / c}')"
if [ -n "${BENCH_ROWS:-}" ]; then
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$mm" "$mmin" "$mmax" "$(rss_mb "${m_rss[@]}")" \
    "$tm" "$tmin" "$tmax" "$(rss_mb "${t_rss[@]}")" "$ratio" "$nm" "$nmin" "$nmax" >>"$BENCH_ROWS"
fi

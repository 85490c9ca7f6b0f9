#!/usr/bin/env bash
# Detached containers' monitors (issue 13): 20 `mybuild run -d` of one busybox image started back to
# back; while they start, and once all run, the memory of all their monitors together is sampled every
# 10 ms from /proc (the processes whose command line says container-monitor and this run's root): the sum
# of RSS (every page counted in each process) and of PSS (shared pages divided among their users: what
# the monitors cost the machine). Target: peak below 40 MB.
# Writes bench/results/monitor_memory.md.
#   usage: bench/monitor_memory.sh [MYBUILD_BINARY]    env: COUNT (default 20)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mybuild=$(realpath "${1:-$here/../build/bin/mybuild}")
count=${COUNT:-20}
source "$here/lib.sh"
work=$(mktemp -d /var/tmp/mybuild-monitor-bench.XXXXXX)
root="$work/root"
cleanup() {
  [ -n "${sampler:-}" ] && kill "$sampler" 2>/dev/null || true
  "$mybuild" --root "$root" rm -f $("$mybuild" --root "$root" ps -aq 2>/dev/null) >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

rootfs="$work/busybox-rootfs"
make_busybox_rootfs "$rootfs"
"$mybuild" --root "$root" import "$rootfs" bench-monitor:latest >/dev/null

# sample: one line "RSS_KB PSS_KB PROCESSES" for the monitors of this root.
sample() {
  local rss=0 pss=0 n=0 pid r p
  for pid in $(pgrep -f "container-monitor.*$root|$root container-monitor"); do
    r=$(awk '/^Rss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null) || continue
    p=$(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null) || continue
    [ -n "$r" ] && [ -n "$p" ] || continue
    rss=$((rss + r)); pss=$((pss + p)); n=$((n + 1))
  done
  echo "$rss $pss $n"
}
( while :; do sample; sleep 0.01; done ) >"$work/samples" &
sampler=$!
start=$EPOCHREALTIME
for i in $(seq "$count"); do
  "$mybuild" --root "$root" run -d bench-monitor:latest sh -c 'while :; do sleep 1; done' >/dev/null
done
elapsed_ms=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN {printf "%.0f", (b - a) * 1000}')
sleep 0.5
kill "$sampler"; sampler=""
steady=$(sample)
running=$("$mybuild" --root "$root" ps -q | wc -l)
read -r peak_rss peak_pss < <(awk '$1 > r {r = $1} $2 > p {p = $2} END {print r, p}' "$work/samples")
read -r steady_rss steady_pss steady_n <<<"$steady"
mb() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }

mkdir -p "$here/results"
{
  echo "# Memory of detached containers' monitors ($(date -u +%Y-%m-%dT%H:%MZ))"
  echo
  machine_description
  echo
  echo "| $count monitors | sum of RSS MB | sum of PSS MB |"
  echo "|---|---|---|"
  echo "| peak while starting (10 ms samples) | $(mb "$peak_rss") | $(mb "$peak_pss") |"
  echo "| all running ($steady_n monitors) | $(mb "$steady_rss") | $(mb "$steady_pss") |"
  echo
  echo "$running containers running; started back to back in $elapsed_ms ms. Target: peak below 40 MB."
} >"$here/results/monitor_memory.md"
cat "$here/results/monitor_memory.md"

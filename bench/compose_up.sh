#!/usr/bin/env bash
# `compose up -d` of 4 services from images already in the store (issue 14): one network (its holder
# with one published port), a named volume, a health-checked service; each run times the whole
# `mybuild compose up -d` process (bash's EPOCHREALTIME), then `compose down -v` (not timed) makes the
# next run start from nothing again. Figure: the median of RUNS runs after one warm-up. Target: < 1 s.
# Writes bench/results/compose_up.md.
#   usage: bench/compose_up.sh [MYBUILD_BINARY]    env: RUNS (default 11)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mybuild=$(realpath "${1:-$here/../build/bin/mybuild}")
runs=${RUNS:-11}
source "$here/lib.sh"
[ -x /bin/busybox ] || { echo "bench: needs busybox-static (scripts/install-deps.sh --with-bench-tools)" >&2; exit 1; }

work=$(mktemp -d /var/tmp/mybuild-compose-up-bench.XXXXXX)
root="$work/root"
cleanup() {
  (cd "$work/project" 2>/dev/null && "$mybuild" --root "$root" compose down -v >/dev/null 2>&1) || true
  for m in $(awk -v w="$work" 'index($5, w) == 1 {print $5}' /proc/self/mountinfo | sort -r); do
    umount -l "$m" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

rootfs="$work/rootfs"
mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/tmp" "$rootfs/root"
cp /bin/busybox "$rootfs/bin/busybox"
for applet in $(/bin/busybox --list); do [ "$applet" = busybox ] || ln -sf busybox "$rootfs/bin/$applet"; done
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\n' >"$rootfs/etc/group"
"$mybuild" --root "$root" import "$rootfs" bench-base:latest >/dev/null
mkdir -p "$work/project"
cat >"$work/project/compose.yaml" <<EOF
services:
  web:
    image: bench-base:latest
    init: true
    command: ["httpd", "-f", "-p", "8080", "-h", "/tmp"]
    ports: ["127.0.0.1:$((20000 + $$ % 20000)):8080"]
    depends_on: [api]
  api:
    image: bench-base:latest
    init: true
    command: ["sleep", "1000"]
    depends_on: [db]
  db:
    image: bench-base:latest
    init: true
    command: ["sleep", "1000"]
    volumes: [data:/data]
    healthcheck: {test: ["CMD", "true"], interval: 1s}
  cache:
    image: bench-base:latest
    init: true
    command: ["sleep", "1000"]
volumes:
  data:
EOF
cd "$work/project"
one_run() {
  local start end
  start=$EPOCHREALTIME
  "$mybuild" --root "$root" compose up -d >/dev/null 2>&1
  end=$EPOCHREALTIME
  "$mybuild" --root "$root" compose down -v >/dev/null 2>&1
  awk -v s="$start" -v e="$end" 'BEGIN {printf "%.3f\n", e - s}'
}
one_run >/dev/null  # warm-up: the image's layers unpacked once
walls=()
for ((i = 0; i < runs; i++)); do walls+=("$(one_run)"); done
med=$(printf '%s\n' "${walls[@]}" | median)
min=$(printf '%s\n' "${walls[@]}" | sort -n | head -1)
max=$(printf '%s\n' "${walls[@]}" | sort -n | tail -1)
line="compose up -d, 4 services: median ${med}s (min ${min}s, max ${max}s) over $runs runs; target < 1 s"
echo "$line"
mkdir -p "$here/results"
{
  echo "# compose up -d of 4 services (bench/compose_up.sh)"
  echo
  echo "$(date -u +%Y-%m-%d) — $(machine_description)"
  echo
  echo "$line"
} >"$here/results/compose_up.md"

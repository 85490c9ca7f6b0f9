#!/usr/bin/env bash
# compose build of 4 services that share a base stage (FROM busybox; RUN a 2-second "install"), each with
# a stage of its own (a 1-second RUN), against building the same 4 Dockerfiles with `mybuild build` one
# after the other. Both from an empty root each time (cold). podman-compose build too when installed.
#   usage: bench/compose_build.sh [MYBUILD_BINARY]    env: RUNS (default 3)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mybuild=$(realpath "${1:-$here/../build/bin/mybuild}")
runs=${RUNS:-3}
source "$here/lib.sh"

work=$(mktemp -d /var/tmp/mybuild-compose-bench.XXXXXX)
cleanup() { unmount_and_remove "$work"; }
trap cleanup EXIT
export SOURCE_DATE_EPOCH=1700000000
rootfs="$work/busybox"
mkdir -p "$rootfs/bin"
cp /bin/busybox "$rootfs/bin/busybox"
for applet in sh sleep echo cat; do ln -s busybox "$rootfs/bin/$applet"; done
project="$work/project"
mkdir -p "$project"
services=""
for name in api web worker admin; do
  cat >"$project/$name.Dockerfile" <<EOF2
FROM bench/busybox AS base
RUN sleep 2 && echo installed >/base.txt
FROM base
RUN sleep 1 && echo $name >/$name.txt
EOF2
  services+="  $name:\n    build:\n      context: .\n      dockerfile: $name.Dockerfile\n"
done
printf "services:\n$services" >"$project/compose.yaml"

fresh_root() {
  rm -rf "$work/root"
  "$mybuild" --root "$work/root" import "$rootfs" bench/busybox >/dev/null
  sync
}
# podman-compose (Debian) on the same project, from an empty podman store each time, when installed.
podman_root="$work/podman"
fresh_podman() {
  [ -d "$podman_root" ] && { podman --root "$podman_root/store" --runroot "$podman_root/run" system reset -f >/dev/null 2>&1 || true; }
  unmount_and_remove "$podman_root" 2>/dev/null || rm -rf "$podman_root"
  mkdir -p "$podman_root"
  tar -C "$rootfs" -c . | podman --root "$podman_root/store" --runroot "$podman_root/run" import - localhost/bench/busybox >/dev/null 2>&1
}
have_podman_compose=$(command -v podman-compose >/dev/null && command -v podman >/dev/null && echo 1 || true)
composes=() separates=() podmans=()
for ((i = 0; i <= runs; i++)); do  # run 0 is the warm-up
  fresh_root
  read -r c _ < <(bench_time sh -c "cd '$project' && '$mybuild' --root '$work/root' compose build --progress quiet")
  fresh_root
  read -r s _ < <(bench_time sh -c "cd '$project' && for n in api web worker admin; do '$mybuild' --root '$work/root' build --progress quiet -f \$n.Dockerfile -t \$n .; done")
  p=
  if [ -n "$have_podman_compose" ]; then
    fresh_podman
    read -r p _ < <(bench_time sh -c "cd '$project' && podman-compose --podman-args '--root $podman_root/store --runroot $podman_root/run' build >/dev/null 2>&1")
  fi
  [ "$i" -eq 0 ] && continue
  composes+=("$c"); separates+=("$s"); [ -n "$p" ] && podmans+=("$p")
done
cm=$(printf '%s\n' "${composes[@]}" | median)
sm=$(printf '%s\n' "${separates[@]}" | median)
printf 'compose build, 4 services:        median %ss (%s)\n' "$cm" "${composes[*]}"
printf '4 x mybuild build, one by one:    median %ss (%s)\n' "$sm" "${separates[*]}"
printf 'ratio: %s\n' "$(awk -v a="$cm" -v b="$sm" 'BEGIN {printf "%.2f", a / b}')"
if [ "${#podmans[@]}" -gt 0 ]; then
  pm=$(printf '%s\n' "${podmans[@]}" | median)
  printf 'podman-compose build:             median %ss (%s)\n' "$pm" "${podmans[*]}"
  printf 'ratio to podman-compose: %s\n' "$(awk -v a="$cm" -v b="$pm" 'BEGIN {printf "%.2f", a / b}')"
else
  echo "podman-compose: not installed (apt-get install podman-compose), not compared"
fi

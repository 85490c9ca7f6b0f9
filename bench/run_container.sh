#!/usr/bin/env bash
# Container start-up benchmark (issue 13): `mybuild run --rm IMAGE true` on an unpacked busybox image,
# side by side with `podman run --rm --network host IMAGE true` (Debian's podman, the same rootfs
# imported into its own storage) on the same machine in the same run. The two alternate, RUNS runs each
# after two warm-ups; each figure is the median wall time of the whole process (bash's EPOCHREALTIME,
# microseconds). Targets: mybuild's median at most 0.5x podman's, and at most 50 ms.
# Writes bench/results/run_container.md.
#   usage: bench/run_container.sh [MYBUILD_BINARY]    env: RUNS (default 21)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mybuild=$(realpath "${1:-$here/../build/bin/mybuild}")
runs=${RUNS:-21}
source "$here/lib.sh"

bash "$here/../scripts/install-deps.sh" --with-bench-tools
work=$(mktemp -d /var/tmp/mybuild-run-bench.XXXXXX)
cleanup() {
  podman_in rm -a -f >/dev/null 2>&1 || true
  for m in $(awk -v w="$work" 'index($5, w) == 1 {print $5}' /proc/self/mountinfo | sort -r); do
    umount -l "$m" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
# Where root lacks CAP_SYS_RESOURCE (containers, some CI machines), runc cannot apply the rlimits podman
# always puts in the OCI config ("error setting rlimit type 7"): podman then runs through this wrapper,
# which drops process.rlimits from the bundle's config.json (one jq run per runc call that names a
# bundle: podman's figure includes that cost). mybuild sets no rlimits.
runtime=/usr/sbin/runc
if ! capsh --has-p=cap_sys_resource 2>/dev/null; then
  runtime="$work/runc-without-rlimits"
  cat >"$runtime" <<'WRAPPER'
#!/bin/sh
bundle="" previous=""
for arg; do
  [ "$previous" = "--bundle" ] && bundle=$arg
  previous=$arg
done
if [ -n "$bundle" ] && [ -f "$bundle/config.json" ]; then
  jq -c 'del(.process.rlimits)' "$bundle/config.json" >"$bundle/config.json.new" && mv "$bundle/config.json.new" "$bundle/config.json"
fi
exec /usr/sbin/runc "$@"
WRAPPER
  chmod 755 "$runtime"
fi
podman_in() {
  podman --root "$work/podman/storage" --runroot "$work/podman/run" --storage-driver overlay \
    --cgroup-manager cgroupfs --events-backend file --runtime "$runtime" "$@"
}

rootfs="$work/busybox-rootfs"
make_busybox_rootfs "$rootfs"
tar -C "$rootfs" -cf "$work/rootfs.tar" .
"$mybuild" --root "$work/root" import "$rootfs" localhost/bench-run:latest >/dev/null
podman_in import "$work/rootfs.tar" localhost/bench-run:latest >/dev/null

# wall_ms CMD…: the wall time of one run in milliseconds (a failed run aborts the benchmark).
wall_ms() {
  local start=$EPOCHREALTIME
  "$@" >/dev/null 2>&1 || { echo "bench: failed: $*" >&2; exit 1; }
  local end=$EPOCHREALTIME
  awk -v s="$start" -v e="$end" 'BEGIN {printf "%.1f\n", (e - s) * 1000}'
}
m_runs=() p_runs=()
for ((i = -2; i < runs; i++)); do  # two warm-ups of each
  m=$(wall_ms "$mybuild" --root "$work/root" run --rm localhost/bench-run:latest true)
  p=$(wall_ms podman_in run --rm --network host localhost/bench-run:latest true)
  [ "$i" -lt 0 ] && continue
  m_runs+=("$m")
  p_runs+=("$p")
done
m_med=$(printf '%s\n' "${m_runs[@]}" | median)
p_med=$(printf '%s\n' "${p_runs[@]}" | median)
ratio=$(awk -v m="$m_med" -v p="$p_med" 'BEGIN {printf "%.2f", m / p}')
leftover=$(awk -v w="$work/root" 'index($5, w) == 1' /proc/self/mountinfo | wc -l)

mkdir -p "$here/results"
{
  echo "# mybuild run vs podman run ($(date -u +%Y-%m-%dT%H:%MZ))"
  echo
  machine_description
  echo
  echo "| command | median ms | min ms | max ms |"
  echo "|---|---|---|---|"
  printf '| mybuild run --rm IMAGE true | %s | %s | %s |\n' "$m_med" \
    "$(printf '%s\n' "${m_runs[@]}" | sort -n | head -1)" "$(printf '%s\n' "${m_runs[@]}" | sort -n | tail -1)"
  printf '| podman run --rm --network host IMAGE true | %s | %s | %s |\n' "$p_med" \
    "$(printf '%s\n' "${p_runs[@]}" | sort -n | head -1)" "$(printf '%s\n' "${p_runs[@]}" | sort -n | tail -1)"
  echo
  [ "$runtime" = /usr/sbin/runc ] || echo "podman ran through a runc wrapper that drops rlimits (no CAP_SYS_RESOURCE here)."
  echo
  echo "$runs runs each, alternating, after two warm-ups; mybuild/podman = $ratio (target <= 0.5), mybuild median" \
    "$m_med ms (target <= 50 ms); mounts left under mybuild's root: $leftover."
} | tee "$here/results/run_container.md"

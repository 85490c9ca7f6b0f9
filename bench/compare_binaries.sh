#!/usr/bin/env bash
# Two mybuild binaries side by side on the hot paths of COPY (issue 11: "no change of more than 3 % to
# workloads 2 and 7"): workload 2 (a busybox base and COPY of 8,000 files / 200 MB to an OCI tarball),
# workload 7 (the same COPY FROM scratch, bench/copy.sh) cold and its all-cached rebuild. The binaries
# alternate run by run (A, B, A, B …) from fresh roots, RUNS runs each after a warm-up; each figure is the
# median, and the change is the median of the runs' B/A ratios minus 1.
#   usage: bench/compare_binaries.sh BINARY_A BINARY_B    env: RUNS (default 7)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
a=$(realpath "$1") b=$(realpath "$2")
runs=${RUNS:-7}
source "$here/lib.sh"

work=$(mktemp -d /var/tmp/mybuild-compare.XXXXXX)
cleanup() { unmount_and_remove "$work"; }
trap cleanup EXIT
make_busybox_rootfs "$work/base"
make_text_tree "$work/w2/data"
printf 'FROM localhost/bench-base:latest\nCOPY data /data\n' >"$work/w2/Dockerfile"
mkdir -p "$work/w7"
cp -a "$work/w2/data" "$work/w7/data"
printf 'FROM scratch\nCOPY data /data\n' >"$work/w7/Dockerfile"

one_run() {  # one_run BINARY: prints "w2_s w7_cold_s w7_noop_s"
  local bin=$1 root="$work/root" w2 w7 noop
  rm -rf "$root"
  "$bin" --root "$root" import "$work/base" localhost/bench-base:latest >/dev/null
  sync
  read -r w2 _ < <(bench_time "$bin" --root "$root" build --progress quiet -o "type=oci,dest=$work/out.tar" "$work/w2")
  rm -rf "$root"
  sync
  read -r w7 _ < <(bench_time "$bin" --root "$root" build --progress quiet -o "type=oci,dest=$work/out.tar" "$work/w7")
  sync
  read -r noop _ < <(bench_time "$bin" --root "$root" build --progress quiet -o "type=oci,dest=$work/out.tar" "$work/w7")
  echo "$w2 $w7 $noop"
}

declare -a a_w2 a_w7 a_noop b_w2 b_w7 b_noop r_w2 r_w7 r_noop
for ((i = 0; i <= runs; i++)); do  # run 0 is the warm-up
  read -r x2 x7 xn < <(one_run "$a")
  read -r y2 y7 yn < <(one_run "$b")
  [ "$i" -eq 0 ] && continue
  a_w2+=("$x2"); a_w7+=("$x7"); a_noop+=("$xn"); b_w2+=("$y2"); b_w7+=("$y7"); b_noop+=("$yn")
  r_w2+=("$(awk -v x="$x2" -v y="$y2" 'BEGIN {printf "%.4f", y / x}')")
  r_w7+=("$(awk -v x="$x7" -v y="$y7" 'BEGIN {printf "%.4f", y / x}')")
  r_noop+=("$(awk -v x="$xn" -v y="$yn" 'BEGIN {printf "%.4f", (x > 0 ? y / x : 1)}')")
done
row() {  # row NAME A_VALUES B_VALUES RATIOS (space-separated lists)
  local am bm rm
  am=$(printf '%s\n' $2 | median); bm=$(printf '%s\n' $3 | median); rm=$(printf '%s\n' $4 | median)
  printf '| %s | %s (%s) | %s (%s) | %+.1f %% |\n' "$1" "$am" "$2" "$bm" "$3" "$(awk -v r="$rm" 'BEGIN {print 100 * (r - 1)}')"
}
echo "A = $a"
echo "B = $b"
echo "$runs runs each after a warm-up, alternating; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| workload | A median s (runs) | B median s (runs) | B vs A (median of the runs' ratios) |"
echo "|---|---|---|---|"
row "2: COPY 8,000 files / 200 MB, cold, OCI tar" "${a_w2[*]}" "${b_w2[*]}" "${r_w2[*]}"
row "7: COPY FROM scratch, cold, OCI tar" "${a_w7[*]}" "${b_w7[*]}" "${r_w7[*]}"
row "7: the same build again, all cached" "${a_noop[*]}" "${b_noop[*]}" "${r_noop[*]}"

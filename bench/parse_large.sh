#!/usr/bin/env bash
# Large-Dockerfile parser benchmark (issue 12, item 6): generated files of `RUN echo N` lines of 1 MB,
# 10 MB and 50 MB (66,000 / 660,000 / 3,300,000 instructions), each parsed by `mybuild parse` and timed
# with /usr/bin/time -v. Target: the 50 MB file in under 10 s. Prints wall, user and system time and the
# peak RSS of each run. SIZES="1 10" limits the sizes; RUNS (default 1) repeats each measurement.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mybuild=$(realpath "${1:-$here/../build/bin/mybuild}")
runs=${RUNS:-1}
sizes=${SIZES:-1 10 50}
source "$here/lib.sh"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "# large Dockerfile parse benchmark, $(date -u +%Y-%m-%d), $(machine_description)"
echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for mb in $sizes; do
  file="$work/Dockerfile.${mb}mb"
  awk -v n=$((mb * 66000)) 'BEGIN { print "FROM scratch"; for (i = 0; i < n; i++) printf "RUN echo %d\n", i }' >"$file"
  for ((r = 0; r < runs; r++)); do
    /usr/bin/time -v -o "$work/time" "$mybuild" parse -f "$file" >/dev/null
    awk -v name="parse ${mb} MB ($(wc -c <"$file") bytes)" -F': ' '
      /Elapsed \(wall clock\)/ { wall = $2 }
      /User time/ { user = $2 }
      /System time/ { sys = $2 }
      /Maximum resident set size/ { rss = $2 / 1024 }
      END { printf "%-34s wall %8s  user %6ss  sys %6ss  peak RSS %7.1f MB\n", name, wall, user, sys, rss }' "$work/time"
  done
done

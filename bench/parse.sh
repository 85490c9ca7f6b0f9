#!/usr/bin/env bash
# Parser benchmark: every real-world Dockerfile in one process, and a generated 1 MB Dockerfile
# (20,000 instructions). Targets (issue 2): under 0.5 s, and under 1 s with peak RSS under 200 MB.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mybuild=$(realpath "${1:-$here/../build/bin/mybuild}")
runs=${RUNS:-5}
source "$here/lib.sh"

find_realworld_dockerfiles
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 20,000 instructions of the kinds real files have, about 1 MB.
awk 'BEGIN {
  print "FROM debian:bookworm AS base"
  for (i = 1; i < 20000; i++) {
    k = i % 8
    if (k == 0) printf "RUN apt-get update && apt-get install -y --no-install-recommends --no-install-suggests pkg%d \\\n    && rm -rf /var/lib/apt/lists/*\n", i
    else if (k == 1) printf "ENV VAR_%d=\"value %d\" OTHER_%d=plain\n", i, i, i
    else if (k == 2) printf "COPY --chown=1000:1000 src/file%d.txt /app/dir%d/\n", i, i
    else if (k == 3) printf "LABEL com.example.label%d=\"some label text\"\n", i
    else if (k == 4) printf "ARG BUILD_ARG_%d=default%d\n", i, i
    else if (k == 5) printf "RUN [\"/bin/sh\", \"-c\", \"echo step %d\"]\n", i
    else if (k == 6) printf "WORKDIR /app/dir%d\n", i
    else printf "# comment %d\nEXPOSE %d/tcp\n", i, 1000 + i
  }
}' >"$work/Dockerfile.big"

echo "# parser benchmark, $(date -u +%Y-%m-%d), $(machine_description)"
echo "# ${#realworld[@]} real-world files; generated file: $(wc -c <"$work/Dockerfile.big") bytes, $(grep -vc '^#' "$work/Dockerfile.big") lines"
measure "parse: ${#realworld[@]} real-world files" "$runs" "$mybuild" parse "${realworld[@]}"
measure "parse: generated 1 MB / 20,000 instr." "$runs" "$mybuild" parse -f "$work/Dockerfile.big"

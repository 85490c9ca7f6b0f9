#!/usr/bin/env bash
# Benchmarks mybuild side by side with Buildah on the same machine in the same run (issue 6).
# Every workload is generated here (no downloads, except the cached debootstrap of workload 5). Cold runs
# use fresh state directories; the tools alternate (mybuild, Buildah, mybuild, …); each figure is the
# median of RUNS runs of the whole process, timed with /usr/bin/time -v (wall time and peak RSS). The
# untimed set-up (base image, context copy, a cold build before a rebuild) is synced to disk before each
# timed build, so that no build waits for the write-back of the set-up's files.
# Writes bench/results/latest.md (COMPARE=rootless: bench/results/rootless.md).
#   usage: bench/run.sh [MYBUILD_BINARY]    env: RUNS (default 5), WORKLOADS (e.g. "1 2 3"), JOBS
#   COMPARE=rootless: the second tool is mybuild as an ordinary user (made for the run with useradd, its
#   subordinate ids from useradd, removed afterwards; rootless mybuild, issue 15) instead of Buildah;
#   writes bench/results/rootless.md.
# Workloads 1-5 compare with Buildah (issue 6); 6 is the parser (bench/parse.sh), 7 COPY against a tar
# pipeline plus the all-cached rebuild (bench/copy.sh), 8 a one-file edit (bench/edit.sh), 9 the same
# project on an empty root with --cache-from (bench/cache_import.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mybuild=$(realpath "${1:-$here/../build/bin/mybuild}")
runs=${RUNS:-5}
jobs=${JOBS:-$(nproc)}
workloads=${WORKLOADS:-"1 2 3 4 5 6 7 8 9"}
compare=${COMPARE:-buildah}
source "$here/lib.sh"
source "$here/../scripts/debian_rootfs.bash"

bash "$here/../scripts/install-deps.sh" --with-bench-tools
work=$(mktemp -d /var/tmp/mybuild-bench.XXXXXX)
cleanup() {
  for m in $(awk -v w="$work" 'index($5, w) == 1 {print $5}' /proc/self/mountinfo | sort -r); do
    umount -l "$m" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
second_tool=buildah
if [ "$compare" = rootless ]; then
  second_tool=mybuild-rootless
  bench_user="mbbench$$"
  userdir="$work/user"
  chmod 755 "$work"
  useradd --create-home --home-dir "$userdir" --shell /bin/sh --user-group "$bench_user" >/dev/null
  grep -q "^$bench_user:" /etc/subuid ||
    usermod --add-subuids 2000000-2065535 --add-subgids 2000000-2065535 "$bench_user"
  trap 'userdel "$bench_user" 2>/dev/null || true; cleanup' EXIT
fi
# as_bench_user: the words of a command line that runs what follows as the bench user.
as_bench_user() {
  echo "setpriv --reuid=$bench_user --regid=$bench_user --init-groups -- env -i HOME=$userdir PATH=/usr/bin:/bin"
}
# out_path TOOL NAME: where TOOL writes the image NAME (the bench user writes below its home).
out_path() { if [ "$1" = mybuild-rootless ]; then echo "$userdir/$2.tar"; else echo "$work/$2-$1.tar"; fi; }
results="$here/results"
mkdir -p "$results"
rows="$work/rows.tsv"
: >"$rows"

# --- the tools -----------------------------------------------------------------------------------
buildah_in() {  # buildah_in STATE ARGS…: Buildah with its own storage under STATE
  buildah --root "$1/storage" --runroot "$1/run" --storage-driver overlay "${@:2}"
}
base_rootfs="$work/busybox-rootfs"
mkdir -p "$base_rootfs/bin" "$base_rootfs/etc" "$base_rootfs/tmp"
cp /bin/busybox "$base_rootfs/bin/busybox"
for applet in $(/bin/busybox --list); do [ "$applet" = busybox ] || ln -sf busybox "$base_rootfs/bin/$applet"; done
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$base_rootfs/etc/passwd"
printf 'root:x:0:\n' >"$base_rootfs/etc/group"

setup_base() {  # setup_base TOOL STATE ROOTFS: the base image "bench-base:latest", not timed
  local tool=$1 state=$2 rootfs=$3
  rm -rf "$state"
  mkdir -p "$state"
  if [ "$tool" = mybuild ]; then
    "$mybuild" --root "$state" import "$rootfs" localhost/bench-base:latest >/dev/null
  elif [ "$tool" = mybuild-rootless ]; then
    # As a tar with numeric owners: imported from a directory, root's files would read as the overflow id.
    local tar="$work/base-$(basename "$rootfs").tar"
    [ -f "$tar" ] || tar --numeric-owner -C "$rootfs" -cf "$tar" .
    chown "$bench_user:" "$state"
    $(as_bench_user) "$mybuild" --root "$state" import "$tar" localhost/bench-base:latest >/dev/null
  else
    local c
    c=$(buildah_in "$state" from scratch)
    buildah_in "$state" copy "$c" "$rootfs/" / >/dev/null
    buildah_in "$state" commit -q "$c" localhost/bench-base:latest >/dev/null
    buildah_in "$state" rm "$c" >/dev/null
  fi
}

build_cmd() {  # build_cmd TOOL STATE CONTEXT OUT: prints a shell command that builds CONTEXT to OUT
  local tool=$1 state=$2 context=$3 out=$4
  if [ "$tool" = mybuild ]; then
    echo "'$mybuild' --root '$state' build -j $jobs --progress quiet -o type=oci,dest='$out' '$context'"
  elif [ "$tool" = mybuild-rootless ]; then
    echo "$(as_bench_user) '$mybuild' --root '$state' build -j $jobs --progress quiet -o type=oci,dest='$out' '$context'"
  else
    echo "buildah --root '$state/storage' --runroot '$state/run' --storage-driver overlay bud -q --isolation chroot --layers --jobs $jobs -t localhost/bench-out:latest '$context' >/dev/null && buildah --root '$state/storage' --runroot '$state/run' --storage-driver overlay push -q localhost/bench-out:latest oci-archive:'$out'"
  fi
}

timed() {  # timed CMD [RESET]: runs `sh -c CMD` under /usr/bin/time; prints "wall_s peak_kb"
  # A failed run is never reported as a time. Buildah now and then fails for reasons of its own ("Close_Fd
  # sealing memfd copy: Device or resource busy"): after running RESET (fresh state), the run is repeated,
  # at most twice, and the retry is logged on stderr.
  local out attempt
  out=$(mktemp)
  for attempt in 1 2 3; do
    if /usr/bin/time -f "%e %M" -o "$out" sh -c "$1" >"$work/last.log" 2>&1; then
      tail -1 "$out"
      rm -f "$out"
      return 0
    fi
    echo "bench: failed (attempt $attempt): $1" >&2
    tail -5 "$work/last.log" >&2
    [ -n "${2:-}" ] && eval "$2"
  done
  exit 1
}

# run_pairs NAME PHASE CONTEXT_MAKER PREPARE: for each run, both tools in turn:
#   fresh state + base; PREPARE TOOL STATE CONTEXT (untimed, e.g. a cold build before a rebuild); then the
#   timed build. Records medians, min, max, RSS, and the median of the per-pair ratios.
run_pairs() {
  local name=$1 phase=$2 context=$3 prepare=$4 base=${5:-$base_rootfs}
  local m_wall=() b_wall=() m_rss=() b_rss=() ratios=()
  for ((i = 0; i <= runs; i++)); do  # run 0 is the warm-up
    local pair=()
    for tool in mybuild "$second_tool"; do
      local state="$work/state-$tool"
      local ctx="$work/ctx-$tool"
      rm -rf "$ctx"
      cp -a "$context" "$ctx"
      setup_base "$tool" "$state" "$base"
      "$prepare" "$tool" "$state" "$ctx"
      sync  # the set-up's writes reach the disk before the timed build, for both tools alike
      local measured
      measured=$(timed "$(build_cmd "$tool" "$state" "$ctx" "$(out_path "$tool" out)")" \
        "setup_base $tool $state $base; $prepare $tool $state $ctx; sync") || exit 1
      read -r wall kb <<<"$measured"
      pair+=("$wall" "$kb")
    done
    [ "$i" -eq 0 ] && continue
    m_wall+=("${pair[0]}"); m_rss+=("${pair[1]}"); b_wall+=("${pair[2]}"); b_rss+=("${pair[3]}")
    ratios+=("$(awk -v a="${pair[0]}" -v b="${pair[2]}" 'BEGIN {printf "%.3f", (b > 0 ? a / b : 0)}')")
  done
  local mm bm mr br ratio mmin mmax bmin bmax
  mm=$(printf '%s\n' "${m_wall[@]}" | median); bm=$(printf '%s\n' "${b_wall[@]}" | median)
  mmin=$(printf '%s\n' "${m_wall[@]}" | sort -n | head -1); mmax=$(printf '%s\n' "${m_wall[@]}" | sort -n | tail -1)
  bmin=$(printf '%s\n' "${b_wall[@]}" | sort -n | head -1); bmax=$(printf '%s\n' "${b_wall[@]}" | sort -n | tail -1)
  mr=$(printf '%s\n' "${m_rss[@]}" | median | awk '{printf "%.0f", $1/1024}')
  br=$(printf '%s\n' "${b_rss[@]}" | median | awk '{printf "%.0f", $1/1024}')
  ratio=$(printf '%s\n' "${ratios[@]}" | median)
  printf '| %s | %s | %s (%s–%s) | %s (%s–%s) | %s | %s | %s |\n' "$name" "$phase" "$mm" "$mmin" "$mmax" \
    "$bm" "$bmin" "$bmax" "$ratio" "$mr" "$br" | tee -a "$rows"
  printf '| %s | %s | %s |\n' "$name" "$phase" "${ratios[*]}" >>"$work/pairs.md"
}

no_prepare() { :; }
cold_build() { sh -c "$(build_cmd "$1" "$2" "$3" "$(out_path "$1" prep)")" >/dev/null 2>&1; }
cold_build_then_edit() { cold_build "$@"; echo "// edited $(date +%s%N)" >>"$3/src/main.c"; }

# --- the workloads -------------------------------------------------------------------------------
make_w1() {  # two independent stages of ~2 s each, and a final stage copying from both
  local d="$work/w1"; mkdir -p "$d"
  cat >"$d/Dockerfile" <<'DOCKERFILE'
FROM bench-base:latest AS left
RUN sleep 2 && echo left >/left.txt
FROM bench-base:latest AS right
RUN sleep 2 && echo right >/right.txt
FROM bench-base:latest
COPY --from=left /left.txt /out/
COPY --from=right /right.txt /out/
DOCKERFILE
  sed -i 's/bench-base:latest/localhost\/bench-base:latest/' "$d/Dockerfile"
}
make_w2() {  # one COPY of 8,000 text files, 200 MB
  local d="$work/w2"; mkdir -p "$d"
  make_text_tree "$d/data"
  printf 'FROM localhost/bench-base:latest\nCOPY data /data\n' >"$d/Dockerfile"
}
make_w3() {  # base / COPY deps / RUN / COPY src / RUN
  local d="$work/w3"; mkdir -p "$d/deps" "$d/src"
  for i in $(seq 1 50); do head -c 20000 /dev/zero | tr '\0' 'd' >"$d/deps/dep$i.txt"; done
  for i in $(seq 1 20); do echo "int f$i(void) { return $i; }" >"$d/src/f$i.c"; done
  echo 'int main(void) { return 0; }' >"$d/src/main.c"
  cat >"$d/Dockerfile" <<'DOCKERFILE'
FROM localhost/bench-base:latest
COPY deps /deps
RUN cat /deps/* | wc -c >/deps.count && sleep 1
COPY src /src
RUN ls /src | wc -l >/src.count && sleep 1
DOCKERFILE
}
make_w4() {  # 50 small RUN steps
  local d="$work/w4"; mkdir -p "$d"
  { echo "FROM localhost/bench-base:latest"; for i in $(seq 1 50); do echo "RUN echo $i >/step$i"; done; } >"$d/Dockerfile"
}
make_w5() {  # a Debian bookworm base with dpkg-level work inside the step (no network in the step)
  # the same cached rootfs as the tests' (scripts/debian_rootfs.bash), in the build tree of the binary
  bookworm=$(debian_rootfs "$(dirname "$(dirname "$mybuild")")/debootstrap-cache" bookworm) ||
    { echo "bench: no Debian bookworm rootfs, workload 5 skipped" >&2; return 1; }
  local d="$work/w5"; mkdir -p "$d"
  cat >"$d/Dockerfile" <<'DOCKERFILE'
FROM localhost/bench-base:latest
RUN dpkg -l >/packages.txt && dpkg -L coreutils | xargs -r ls -ld >/coreutils-files.txt 2>/dev/null; \
    mkdir -p /opt/gen && for i in $(seq 1 2000); do echo "$i" >/opt/gen/f$i; done && dpkg --audit
DOCKERFILE
}

table_header() {
  local other=Buildah
  [ "$compare" = rootless ] && other="mybuild rootless"
  echo "| workload | phase | mybuild median s (min–max) | $other median s (min–max) | ratio (median of pairs) | mybuild peak RSS MB | $other peak RSS MB |"
  echo "|---|---|---|---|---|---|---|"
}

{
  if [ "$compare" = rootless ]; then
    echo "# Benchmarks: mybuild as root vs mybuild rootless"
    echo
    echo "$(date -u +%Y-%m-%d), $(machine_description), $runs runs per figure after a warm-up, -j $jobs."
    echo "Both: \`mybuild build -o type=oci,dest=…\`, fresh state for every run; rootless: as an ordinary user"
    echo "(setpriv), in its user namespace with its subordinate ids, overlayfs with userxattr. The ratio is"
    echo "root / rootless, so 0.87 means rootless takes 1.15x."
  else
    echo "# Benchmarks: mybuild vs Buildah"
    echo
    echo "$(date -u +%Y-%m-%d), $(machine_description), $runs runs per figure after a warm-up, -j $jobs."
    echo "Buildah: \`buildah bud --isolation chroot --storage-driver overlay --layers --jobs $jobs\` then"
    echo "\`buildah push … oci-archive:\`; mybuild: \`mybuild build -o type=oci,dest=…\`. Fresh state for every run."
  fi
  echo
  table_header
} >"$work/table.md"

for w in $workloads; do
  case $w in
    1) make_w1; run_pairs "1: two 2 s stages + final" cold "$work/w1" no_prepare ;;
    2) make_w2; run_pairs "2: COPY 8,000 files / 200 MB" cold "$work/w2" no_prepare ;;
    3) make_w3
       run_pairs "3: deps/RUN/src/RUN" cold "$work/w3" no_prepare
       run_pairs "3: deps/RUN/src/RUN" "no-op rebuild" "$work/w3" cold_build
       run_pairs "3: deps/RUN/src/RUN" "one-file edit" "$work/w3" cold_build_then_edit ;;
    4) make_w4; run_pairs "4: 50 RUN steps" cold "$work/w4" no_prepare ;;
    5) if make_w5; then run_pairs "5: bookworm + dpkg work" cold "$work/w5" no_prepare "$bookworm"; fi ;;
    7) BENCH_ROWS="$work/copy.tsv" bash "$here/copy.sh" "$mybuild" >/dev/null ;;
    8) BENCH_ROWS="$work/edit.tsv" bash "$here/edit.sh" "$mybuild" >/dev/null ;;
    9) BENCH_ROWS="$work/import.tsv" bash "$here/cache_import.sh" "$mybuild" >/dev/null 2>&1 ;;
    6) BENCH_ROWS="$work/parse.tsv" bash "$here/parse.sh" "$mybuild" >/dev/null
       awk -F'\t' '{printf "| 6: %s | parse | %s (%s–%s) | – | – | %s | – |\n", $1, $2, $3, $4, $5}' \
         "$work/parse.tsv" >>"$rows" ;;
  esac
done
awk '!seen[$0]++' "$rows" >>"$work/table.md"
if [ -s "$work/pairs.md" ]; then
  {
    echo
    echo "Every pair's ratio (mybuild/$([ "$compare" = rootless ] && echo "mybuild rootless" || echo Buildah), run by run, in the order run):"
    echo
    echo "| workload | phase | ratios |"
    echo "|---|---|---|"
    awk '!seen[$0]++' "$work/pairs.md"
  } >>"$work/table.md"
fi
if [ -s "$work/copy.tsv" ]; then
  {
    echo
    echo "Workload 7 (issues 3 and 5): one COPY of workload 2's files \`FROM scratch\` to an OCI tarball, against"
    echo "\`tar -c | gzip -6 | sha256sum\` over the same files (target: at most 1.5x), and the same build again,"
    echo "all cached (target: under 0.5 s and at most 5 % of the cold build); bench/copy.sh."
    echo
    echo "| mybuild median s (min–max) | pipeline median s (min–max) | ratio (median of pairs) | mybuild peak RSS MB | pipeline peak RSS MB | no-op rebuild s (min–max) | no-op / cold |"
    echo "|---|---|---|---|---|---|---|"
    awk -F'\t' '{printf "| %s (%s–%s) | %s (%s–%s) | %s | %s | %s | %s (%s–%s) | %.1f %% |\n", $1, $2, $3, $5, $6, $7, $9, $4, $8, $10, $11, $12, 100 * $10 / $1}' "$work/copy.tsv"
  } >>"$work/table.md"
fi
if [ -s "$work/edit.tsv" ]; then
  {
    echo
    echo "Workload 8 (issue 5): base / COPY deps (workload 2's 200 MB) / RUN over them / COPY src (21 small files)"
    echo "/ RUN; one source file edited and rebuilt, which runs only the last COPY and RUN (target: at most 25 %"
    echo "of the cold build); mybuild only, bench/edit.sh."
    echo
    echo "| cold build median s (runs) | edit rebuild median s (runs) | rebuild / cold (median of runs) |"
    echo "|---|---|---|"
    awk -F'\t' '{printf "| %s (%s) | %s (%s) | %s %% |\n", $1, $2, $3, $4, $5}' "$work/edit.tsv"
  } >>"$work/table.md"
fi
if [ -s "$work/import.tsv" ]; then
  {
    echo
    echo "Workload 9: workload 8's project on a new CI runner (an empty root each time): cold, and with"
    echo "\`--cache-from type=local\` of a cache an earlier build exported with \`--cache-to …,mode=max\`, unchanged and"
    echo "with one source file edited; mybuild only, bench/cache_import.sh."
    echo
    echo "| cold build median s (runs) | --cache-from, unchanged, median s (runs) | --cache-from, one file edited, median s (runs) |"
    echo "|---|---|---|"
    awk -F'\t' '{printf "| %s (%s) | %s (%s) | %s (%s) |\n", $1, $2, $3, $4, $5, $6}' "$work/import.tsv"
  } >>"$work/table.md"
fi
result_file="$results/latest.md"
[ "$compare" = rootless ] && result_file="$results/rootless.md"
cp "$work/table.md" "$result_file"
cat "$result_file"

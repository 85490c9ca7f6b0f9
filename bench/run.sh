#!/usr/bin/env bash
# Benchmarks mybuild side by side with Buildah and BuildKit on the same machine in the same run (issues 6
# and 19). Every workload is generated here (no downloads, except the cached debootstrap of workloads 5 and
# 10, and workload 10's apt-get). Cold runs start from fresh state (bench/tools.sh); the tools alternate
# (mybuild, Buildah, BuildKit, mybuild, …); each figure is the median of RUNS runs of the whole client
# process, timed with /usr/bin/time (wall time and peak RSS; for BuildKit the client's plus dockerd's peak).
# The untimed set-up (base image, context copy, a cold build before a rebuild) is synced to disk before
# each timed build, so that no build waits for the write-back of the set-up's files. Two flows: "store"
# (build into the tool's own store with -t: the dev-machine flow) and "tar" (an image tarball: mybuild -o
# type=oci, docker save, buildah push oci-archive:; the CI flow).
# Writes bench/results/latest.md.
#   usage: bench/run.sh [MYBUILD_BINARY]
#   env: RUNS (default 5), RUNS_SLOW (workloads 5 and 11, default RUNS), RUNS_APT (workload 10, default 3),
#        WORKLOADS (e.g. "1 2 3"), JOBS, TOOLS (default "mybuild buildah buildkit"), FLOWS (default
#        "store tar"), FLOWS_APT (workload 10, default "store"), FLOWS_BIG (workloads 11 and 13, default
#        FLOWS), WARMUP (1: one untimed run first, the default; 0: none); TOOLS may name mybuild-rootless
#        (mybuild as an ordinary user made for the run, issue 15), e.g. TOOLS="mybuild mybuild-rootless"
# Workloads 1-5 and 10-13 compare the builders; 6 is the parser (bench/parse.sh), 7 COPY against a tar
# pipeline plus the all-cached rebuild (bench/copy.sh), 8 a one-file edit (bench/edit.sh), 9 the same
# project on an empty root with --cache-from (bench/cache_import.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mybuild=$(realpath "${1:-$here/../build/bin/mybuild}")
runs=${RUNS:-5}
runs_apt=${RUNS_APT:-3}
warmup=${WARMUP:-1}  # 0: no warm-up run (on a loaded machine where the full run would not fit)
runs_slow=${RUNS_SLOW:-$runs}  # workloads 5 and 11, which take a minute or more per run of the three tools
flows_apt=${FLOWS_APT:-store}  # workload 10's flows
jobs=${JOBS:-$(nproc)}
workloads=${WORKLOADS:-"1 2 3 4 5 6 7 8 9 10 11 12 13"}
tools=(${TOOLS:-mybuild buildah buildkit})
flows=${FLOWS:-"store tar"}
flows_big=${FLOWS_BIG:-$flows}  # workloads 11 and 13's flows
source "$here/lib.sh"
source "$here/tools.sh"
source "$here/../scripts/debian_rootfs.bash"

bash "$here/../scripts/install-deps.sh" --with-bench-tools
work=$(mktemp -d /var/tmp/mybuild-bench.XXXXXX)
cleanup() {
  buildkit_stop
  for m in $(awk -v w="$work" 'index($5, w) == 1 {print $5}' /proc/self/mountinfo | sort -r); do
    umount -l "$m" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM  # the EXIT trap stops dockerd also when the run is interrupted
results="$here/results"
mkdir -p "$results"
rows="$work/rows.md" sleeps="$work/sleeps.md" commits="$work/commits.md" pairs="$work/pairs.md"
: >"$rows"; : >"$sleeps"; : >"$commits"; : >"$pairs"

if [[ " ${tools[*]} " == *" mybuild-rootless "* ]]; then
  rootless_user_start
  trap 'rootless_user_stop; cleanup' EXIT
fi
if [[ " ${tools[*]} " == *" buildkit "* ]] && ! buildkit_start; then
  tools=("${tools[@]/buildkit/}")
fi
tools=(${tools[@]})
base_rootfs="$work/busybox-rootfs"
make_busybox_rootfs "$base_rootfs"

timed() {  # timed TOOL CMD [RESET]: runs `sh -c CMD` under /usr/bin/time; prints "wall_s peak_kb"
  # A failed run is never reported as a time. Buildah now and then fails for reasons of its own ("Close_Fd
  # sealing memfd copy: Device or resource busy"): after running RESET (fresh state), the run is repeated,
  # at most twice, and the retry is logged on stderr.
  local tool=$1 out attempt
  out=$(mktemp)
  for attempt in 1 2 3; do
    tool_peak_reset "$tool"
    if /usr/bin/time -f "%e %M" -o "$out" sh -c "$2" >"$work/last.log" 2>&1; then
      read -r wall kb < <(tail -1 "$out")
      echo "$wall $((kb + $(tool_peak_kb "$tool")))"
      rm -f "$out"
      return 0
    fi
    echo "bench: $tool failed (attempt $attempt): $2" >&2
    tail -5 "$work/last.log" >&2
    [ -n "${3:-}" ] && eval "$3"
  done
  exit 1
}

stats() {  # stats VALUES…: "median (min–max)"
  printf '%s (%s–%s)' "$(printf '%s\n' "$@" | median)" "$(printf '%s\n' "$@" | sort -n | head -1)" \
    "$(printf '%s\n' "$@" | sort -n | tail -1)"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", (b > 0 ? a / b : 0)}'; }
tool_name() { case $1 in mybuild) echo mybuild ;; buildah) echo Buildah ;; buildkit) echo BuildKit ;; esac; }

# run_tools NAME PHASE FLOW CONTEXT PREPARE [BASE [SLEEP [STEP_PATTERN [RUNS]]]]: for each run, every tool in
#   turn: fresh state + base; PREPARE TOOL STATE CONTEXT FLOW (untimed, e.g. a cold build before a
#   rebuild); then the timed build. Records medians, min, max, peak RSS, and the median of the per-run
#   ratios of mybuild to each other tool. SLEEP (seconds of sleep on the critical path) adds each tool's time
#   above it and the ratio of those; STEP_PATTERN times the build with plain progress and records that
#   step's run time and commit time (bench/step_commit.py).
run_tools() {
  local name=$1 phase=$2 flow=$3 context=$4 prepare=$5 base=${6:-$base_rootfs} sleep=${7:-0}
  local pattern=${8:-} n=${9:-$runs}
  declare -A wall=() rss=() above=() ratio_to=() above_ratio_to=() step=()
  local i tool
  for ((i = 1 - warmup; i <= n; i++)); do  # run 0 is the warm-up
    declare -A this=()
    for tool in "${tools[@]}"; do
      local state="$work/state-$tool" ctx="$work/ctx-$tool" out="$work/out-$tool.tar"
      rm -rf "$ctx" "$out"
      cp -a "$context" "$ctx"
      tool_reset "$tool" "$state" "$base"
      "$prepare" "$tool" "$state" "$ctx" "$flow"
      sync  # the set-up's writes reach the disk before the timed build, for every tool alike
      local cmd
      if [ -n "$pattern" ]; then
        cmd="( $(tool_build_cmd "$tool" "$state" "$ctx" "$flow" "$out" plain) ) 2>&1 | python3 '$here/stamp_lines.py' >'$work/stamped-$tool.log'"
      else
        cmd=$(tool_build_cmd "$tool" "$state" "$ctx" "$flow" "$out")
      fi
      local measured w kb
      measured=$(timed "$tool" "$cmd" "tool_reset $tool $state $base; $prepare $tool $state $ctx $flow; sync") || exit 1
      read -r w kb <<<"$measured"
      this[$tool]=$w
      [ "$i" -eq 0 ] && continue
      wall[$tool]+="$w "; rss[$tool]+="$kb "
      above[$tool]+="$(awk -v w="$w" -v s="$sleep" 'BEGIN {printf "%.2f", w - s}') "
      [ -n "$pattern" ] && step[$tool]+="$(python3 "$here/step_commit.py" "$tool" "$pattern" <"$work/stamped-$tool.log");"
    done
    [ "$i" -eq 0 ] && continue
    for tool in "${tools[@]}"; do
      [ "$tool" = mybuild ] && continue
      ratio_to[$tool]+="$(ratio "${this[mybuild]}" "${this[$tool]}") "
      above_ratio_to[$tool]+="$(ratio "$(awk -v w="${this[mybuild]}" -v s="$sleep" 'BEGIN {print w - s}')" \
        "$(awk -v w="${this[$tool]}" -v s="$sleep" 'BEGIN {print w - s}')") "
    done
  done
  local row="| $name | $phase | $flow |" rss_cells="" ratio_cells="" sleep_row="| $name | $phase | $flow | $sleep |"
  local sleep_ratios=""
  for tool in mybuild buildah buildkit; do
    if [ -z "${wall[$tool]:-}" ]; then
      row+=" – |"; rss_cells+=" – |"; sleep_row+=" – |"
      [ "$tool" = mybuild ] || { ratio_cells+=" – |"; sleep_ratios+=" – |"; }
      continue
    fi
    row+=" $(stats ${wall[$tool]}) |"
    rss_cells+=" $(printf '%s\n' ${rss[$tool]} | median | awk '{printf "%.0f", $1/1024}') |"
    sleep_row+=" $(stats ${above[$tool]}) |"
    if [ "$tool" != mybuild ]; then
      ratio_cells+=" $(printf '%s\n' ${ratio_to[$tool]} | median) |"
      sleep_ratios+=" $(printf '%s\n' ${above_ratio_to[$tool]} | median) |"
      printf '| %s | %s | %s | %s | %s |\n' "$name" "$phase" "$flow" "$(tool_name "$tool")" "${ratio_to[$tool]}" >>"$pairs"
    fi
  done
  echo "$row$ratio_cells$rss_cells" | tee -a "$rows"
  [ "$sleep" != 0 ] && echo "$sleep_row$sleep_ratios" >>"$sleeps"
  if [ -n "$pattern" ]; then
    for tool in "${tools[@]}"; do
      local runs_s=() commits_s=() afters_s=() r c a entry
      IFS=';' read -ra entries <<<"${step[$tool]}"
      for entry in "${entries[@]}"; do
        read -r r c a <<<"$entry"
        [ "$r" = - ] && continue
        runs_s+=("$r"); commits_s+=("$c"); afters_s+=("$a")
      done
      if [ "${#runs_s[@]}" -eq 0 ]; then
        printf '| %s | %s | %s | – | – | – |\n' "$name" "$flow" "$(tool_name "$tool")" >>"$commits"
      else
        printf '| %s | %s | %s | %s | %s | %s |\n' "$name" "$flow" "$(tool_name "$tool")" "$(stats "${runs_s[@]}")" \
          "$(stats "${commits_s[@]}")" "$(stats "${afters_s[@]}")" >>"$commits"
      fi
    done
  fi
  return 0
}

# commit_pipelines: issue 19's yardstick for the commit of workload 11's RUN: `tar -c | pigz -6 | sha256sum`
# (what the tar flow needs) and `tar -c | sha256sum` (an uncompressed layer, what the store flow needs) over
# the same 250 MB / 10,000 files made on the host (in the page cache, as a RUN's files are when it ends).
commit_pipelines() {
  make_w11_tree "$work/w11-tree"
  local p
  for p in "tar -C '$work/w11-tree' -c gen | pigz -6 | sha256sum" "tar -C '$work/w11-tree' -c gen | sha256sum"; do
    local walls=() j
    for ((j = 0; j < runs_slow; j++)); do
      sync
      walls+=("$(timed pipeline "$p" | cut -d' ' -f1)")
    done
    printf '| 11: the same files on the host | – | `%s` | – | %s | – |\n' \
      "$(echo "$p" | sed "s|'$work/w11-tree'|DIR|; s/|/\\\\|/g")" "$(stats "${walls[@]}")" >>"$commits"
  done
  rm -rf "$work/w11-tree"
}

no_prepare() { :; }
cold_build() { sh -c "$(tool_build_cmd "$1" "$2" "$3" "$4" "$work/prep-$1.tar")" >/dev/null 2>&1; }
cold_build_then_edit() { cold_build "$@"; echo "// edited $(date +%s%N)" >>"$3/src/main.c"; }

source "$here/workloads.sh"

{
  echo "# Benchmarks: mybuild vs Buildah and BuildKit"
  echo
  echo "$(date -u +%Y-%m-%d), $(machine_description), load average at the start $(cut -d' ' -f1-3 /proc/loadavg);"
  echo "$runs runs per figure ($runs_slow for workloads 5 and 11, $runs_apt for workload 10), $( [ "$warmup" = 1 ] && echo "after a warm-up" || echo "no warm-up"), -j $jobs, tools alternating run by run."
  echo "mybuild $("$mybuild" --version 2>/dev/null | head -1 || echo '?'); $(buildah --version);" \
    "BuildKit of dockerd $(buildkit_version || echo '–') (Debian docker.io)."
  echo "Buildah: \`buildah bud --isolation chroot --storage-driver overlay --layers --jobs $jobs -t …\` (tar flow: then"
  echo "\`buildah push … oci-archive:\`); BuildKit: \`DOCKER_BUILDKIT=1 docker build --network host -t …\` against a"
  echo "private dockerd (tar flow: then \`docker save\`); mybuild: \`mybuild build -t …\` (tar flow: \`-o type=oci,dest=…\`)."
  echo "Fresh state for every cold run (BuildKit: \`docker builder prune -af\` and \`rmi\`). Peak RSS of BuildKit ="
  echo "the client's + dockerd's (VmHWM, reset before each build)."
  echo
  echo "| workload | phase | flow | mybuild s median (min–max) | Buildah s | BuildKit s | mybuild/Buildah (median of runs) | mybuild/BuildKit | mybuild peak RSS MB | Buildah | BuildKit |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
} >"$work/header.md"

write_table() {  # writes bench/results/latest.md from what has been measured so far
  cp "$work/header.md" "$work/table.md"
  cat "$rows" >>"$work/table.md"
  if [ -s "$sleeps" ]; then
    {
      echo
      echo "Workloads that sleep: each tool's time above the sleep on its critical path, and mybuild's overhead ratio"
      echo "(median of the runs' ratios of time above the sleep; target at most 0.25):"
      echo
      echo "| workload | phase | flow | sleep s | mybuild s above | Buildah s above | BuildKit s above | mybuild/Buildah | mybuild/BuildKit |"
      echo "|---|---|---|---|---|---|---|---|---|"
      cat "$sleeps"
    } >>"$work/table.md"
  fi
  if [ -s "$commits" ]; then
    {
      echo
      echo "The big RUN step of workloads 10 and 11, from the build's plain progress (stamped as it came, bench/stamp_lines.py):"
      echo "run = the step's first line to its last output line; commit = that line to the step's end (DONE; Buildah: the"
      echo "\`-->\` after COMMIT); after = the step's end to the build's end (BuildKit diffs and compresses its layers there)."
      echo
      echo "| workload | flow | tool | run s median (min–max) | commit s | after s |"
      echo "|---|---|---|---|---|---|"
      cat "$commits"
    } >>"$work/table.md"
  fi
  {
    echo
    echo "Every run's ratio (mybuild/other tool, run by run, in the order run):"
    echo
    echo "| workload | phase | flow | to | ratios |"
    echo "|---|---|---|---|---|"
    cat "$pairs"
  } >>"$work/table.md"
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
  echo >>"$work/table.md"
  echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)." >>"$work/table.md"
  cp "$work/table.md" "$results/latest.md"
}

for w in $workloads; do
  for flow in $flows; do
    case $w in
      1) make_w1; run_tools "1: two 2 s stages + final" cold "$flow" "$work/w1" no_prepare "" 2 ;;
      2) make_w2; run_tools "2: COPY 8,000 files / 200 MB" cold "$flow" "$work/w2" no_prepare ;;
      3) make_w3
         run_tools "3: deps/RUN/src/RUN" cold "$flow" "$work/w3" no_prepare "" 2
         run_tools "3: deps/RUN/src/RUN" "no-op rebuild" "$flow" "$work/w3" cold_build
         run_tools "3: deps/RUN/src/RUN" "one-file edit" "$flow" "$work/w3" cold_build_then_edit "" 1 ;;
      4) make_w4; run_tools "4: 50 RUN steps" cold "$flow" "$work/w4" no_prepare ;;
      5) if make_w5; then
           run_tools "5: bookworm + dpkg work" cold "$flow" "$work/w5" no_prepare "$bookworm" 0 "" "$runs_slow"
         fi ;;
      10) [[ " $flows_apt " == *" $flow "* ]] || continue
          if make_w10; then
            run_tools "10: bookworm + apt-get install build-essential" cold "$flow" "$work/w10" no_prepare \
              "$bookworm" 0 "apt-get install" "$runs_apt"
          fi ;;
      11) [[ " $flows_big " == *" $flow "* ]] || continue
          make_w11; run_tools "11: RUN writes 250 MB in 10,000 files" cold "$flow" "$work/w11" no_prepare "" 0 "awk" "$runs_slow"
          [ "$flow" = "${flows_big%% *}" ] && commit_pipelines ;;
      12) make_w12; run_tools "12: COPY --from 3,000-file stage + RUN" cold "$flow" "$work/w12" no_prepare ;;
      13) [[ " $flows_big " == *" $flow "* ]] || continue
          make_w13; run_tools "13: COPY 8,000 files + ENV + WORKDIR" cold "$flow" "$work/w13" no_prepare ;;
    esac
  done
  case $w in  # mybuild-only workloads, once
    7) BENCH_ROWS="$work/copy.tsv" bash "$here/copy.sh" "$mybuild" >/dev/null ;;
    8) BENCH_ROWS="$work/edit.tsv" bash "$here/edit.sh" "$mybuild" >/dev/null ;;
    9) BENCH_ROWS="$work/import.tsv" bash "$here/cache_import.sh" "$mybuild" >/dev/null 2>&1 ;;
    6) BENCH_ROWS="$work/parse.tsv" bash "$here/parse.sh" "$mybuild" >/dev/null
       awk -F'\t' '{printf "| 6: %s | parse | – | %s (%s–%s) | – | – | – | – | %s | – | – |\n", $1, $2, $3, $4, $5}' \
         "$work/parse.tsv" >>"$rows" ;;
  esac
  write_table  # after every workload, so that a long run's figures are there as they come
done
cat "$results/latest.md"

#!/usr/bin/env bash
# `make fuzz`: builds the libFuzzer targets with clang in their own tree and runs each for FUZZ_SECONDS.
# Every input that makes a target fail is kept in tests/fuzz/crashes/TARGET/ (see crashes/README.md);
# the corpus a run grows is kept in BUILD_DIR/corpus/TARGET/ and reused by the next run; TARGET.dict, when
# present, is the target's libFuzzer dictionary. At the end one line per target gives executions,
# executions per second, coverage (libFuzzer's cov: and ft:) and the crash inputs found. Exit status 1
# when any target failed.
# Environment: FUZZ_SECONDS (default 60), FUZZ_TARGETS (default: all), FUZZ_BUILD_DIR (default
# build-fuzz), JOBS (build parallelism), FUZZ_FLAGS (extra libFuzzer flags).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
seconds=${FUZZ_SECONDS:-60}
build=${FUZZ_BUILD_DIR:-$repo/build-fuzz}
mapfile -t all_targets < <(cd "$here" && ls ./*.cc | sed -e 's|^\./||' -e 's|\.cc$||' | grep -v '^replay_main$')
read -r -a targets <<<"${FUZZ_TARGETS:-${all_targets[*]}}"

launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DMYBUILD_FUZZ=ON "${launcher[@]}" >/dev/null
cmake --build "$build" -j "${JOBS:-$(nproc)}" --target "${targets[@]/#/fuzz_}"

# Per-target libFuzzer settings: the largest input and the time one input may take.
max_len() {
  case "$1" in
    layer_apply) echo 65536 ;;
    parser) echo 32768 ;;
    *) echo 8192 ;;
  esac
}

# The inputs libFuzzer kept in DIR because they made the target fail (not its slow-unit reports).
count_failures() {
  find "$1" -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) | wc -l
}

failed=0
summary=()
for target in "${targets[@]}"; do
  corpus=$build/corpus/$target
  seeds=$build/seeds/$target
  crashes=$here/crashes/$target
  log=$build/fuzz-$target.log
  rm -rf "$seeds"
  mkdir -p "$corpus" "$crashes"
  bash "$here/make_seeds.sh" "$target" "$seeds"
  before=$(count_failures "$crashes")
  echo "fuzz: $target for ${seconds}s (log: $log)" >&2
  dict=()
  [ -f "$here/$target.dict" ] && dict=(-dict="$here/$target.dict")
  status=0
  # shellcheck disable=SC2086  # FUZZ_FLAGS is a list of flags
  "$build/tests/fuzz/fuzz_$target" -max_total_time="$seconds" -max_len="$(max_len "$target")" -timeout=25 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$crashes/" "${dict[@]}" ${FUZZ_FLAGS:-} \
    "$corpus" "$seeds" >"$log" 2>&1 || status=$?
  found=$(( $(count_failures "$crashes") - before ))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  coverage=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -n 1)
  summary+=("$target: ${execs:-?} executions (${rate:-?}/s), ${coverage:-no coverage line}, $found new crash input(s)")
  if [ "$status" -ne 0 ] || [ "$found" -gt 0 ]; then
    failed=1
    grep -m 1 -B 2 -A 30 -e '==ERROR' -e 'fuzz check failed' -e 'deadly signal' -e 'ALARM' "$log" >&2 || tail -n 30 "$log" >&2
  fi
  rmdir "$crashes" 2>/dev/null || true
done
printf '%s\n' "${summary[@]}"
exit "$failed"

#!/usr/bin/env bash
# `make test-sanitize`: builds everything with AddressSanitizer + UndefinedBehaviorSanitizer in its own
# tree (SANITIZE_DIR, default build-sanitize) and runs the whole ctest suite there (unit tests, e2e
# scripts driving the instrumented binary, fuzz replays). Every process writes its sanitizer reports to
# SANITIZE_DIR/sanitizer-reports/, so that a report in a process whose failure a test expects (or in a
# child that is killed) is not lost: the run fails when any report exists, even if every test passed.
# The Debian bases of the real-project tests are taken from the normal tree's debootstrap cache when it
# has them (BUILD_DIR, default build: `make test` made them), instead of a second debootstrap.
# Prints how long the build and the tests took. Environment: SANITIZE_DIR, BUILD_DIR, JOBS, CTEST_ARGS
# (e.g. "-R frontend" to run a subset, "-LE real-projects" to leave the real projects out),
# SANITIZE_TARGETS (build only these, e.g. "frontend_tests fuzz_replay_parser", with a CTEST_ARGS that
# selects their tests, e.g. "-R ^frontend:|replay.parser": a test whose binary is not built fails).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
build=${SANITIZE_DIR:-$repo/build-sanitize}
jobs=${JOBS:-$(nproc)}
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)

start=$(date +%s)
cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMYBUILD_SANITIZE=ON "${launcher[@]}" >/dev/null
# shellcheck disable=SC2086  # SANITIZE_TARGETS is a list of targets
cmake --build "$build" -j "$jobs" ${SANITIZE_TARGETS:+--target $SANITIZE_TARGETS}
built=$(date +%s)

normal_cache=${BUILD_DIR:-build}/debootstrap-cache
[[ "$normal_cache" == /* ]] || normal_cache=$repo/$normal_cache
if [ -d "$normal_cache" ] && [ ! -e "$build/debootstrap-cache" ]; then
  ln -s "$normal_cache" "$build/debootstrap-cache"
fi

reports=$build/sanitizer-reports
rm -rf "$reports"
mkdir -p "$reports"
# detect_leaks: LeakSanitizer too. abort_on_error=0 and exitcode: a report ends the process with 66, a
# code no test expects.
export ASAN_OPTIONS="log_path=$reports/asan:exitcode=66:detect_leaks=1"
export UBSAN_OPTIONS="log_path=$reports/ubsan:print_stacktrace=1:halt_on_error=1:exitcode=66"
status=0
# shellcheck disable=SC2086  # CTEST_ARGS is a list of arguments
(cd "$build" && ctest --output-on-failure -j "$jobs" --timeout 1500 ${CTEST_ARGS:-}) || status=$?
finished=$(date +%s)

echo "test-sanitize: build $((built - start)) s, tests $((finished - built)) s ($jobs jobs)"
if [ -n "$(ls -A "$reports")" ]; then
  echo "test-sanitize: sanitizer reports in $reports:" >&2
  for report in "$reports"/*; do
    echo "== $report" >&2
    head -n 40 "$report" >&2
  done
  status=1
fi
exit "$status"

#!/usr/bin/env bash
# The ctest "fuzz: replay TARGET": runs the target's entry point, built without libFuzzer
# (fuzz_replay_TARGET), once on every kept crash input (tests/fuzz/crashes/TARGET/) and on the seeds
# that make_seeds.sh writes. Any failed check or sanitizer report aborts and fails the test.
# Usage: replay.sh TARGET REPLAY_BINARY
set -euo pipefail

target=$1
binary=$2
here=$(cd "$(dirname "$0")" && pwd)

if [ "$target" = layer_apply ] && [ "$(id -u)" -ne 0 ]; then
  echo "skipped: layer_apply applies tars with their owners and devices, which needs root"
  exit 77
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/mybuild-fuzz-replay-XXXXXX")
trap 'rm -rf "$work"' EXIT
bash "$here/make_seeds.sh" "$target" "$work/seeds"
inputs=("$work/seeds")
[ -d "$here/crashes/$target" ] && inputs+=("$here/crashes/$target")
if ! "$binary" "${inputs[@]}" 2>"$work/log"; then
  tail -n 40 "$work/log" >&2
  exit 1
fi

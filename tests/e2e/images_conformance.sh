#!/usr/bin/env bash
# The data-driven image conformance suite (tests/image_conformance/CASE/): each case is built with both
# snapshotters (overlay, native) and with streamed COPY on and off (MYBUILD_STREAM_COPIES=1 / 0), and the
# final image must match what BuildKit gives for the same Dockerfile and context, as the case's files say:
#   Dockerfile            the build (FROM conformance-base:latest is a busybox rootfs imported here)
#   make_context.sh       optional: run in the empty context directory to create it (symlinks, modes,
#                         xattrs, CRLF .dockerignore files: things git does not keep)
#   context/              optional: copied into the context directory first
#   expected_files.txt    the file listing of the final image (tests/image_conformance/list_image.py
#                         explains the columns), restricted to the paths in `scope` when that file exists
#   scope                 optional: one absolute path a line; only these paths and what is below them are
#                         listed (whatever else exists there is a difference)
#   expected_config.json  optional: the image config's fields, compared with jq: its "config" object
#                         (Env, Labels, WorkingDir …) must equal the image's exactly, no field more or
#                         less; of the other top-level fields, those given must hold these values
#   expected_history.txt  optional: the image's history, one entry a line, base image's included:
#                         "layer CREATED_BY" or "empty CREATED_BY" (empty_layer); the manifest's layers
#                         and the config's diff_ids must then be as many as the "layer" entries
#   expected_error.txt    optional: the build must fail, and its output contain this text
# A case whose expectation cannot hold here (no xattr support on /tmp, say) skips itself from
# make_context.sh with exit 77. CONFORMANCE_CASES="a b" runs only those cases.
source "$MYBUILD_E2E_LIB"
require_root
require_tool python3
require_tool jq
export SOURCE_DATE_EPOCH=1700000000
cases_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../image_conformance" && pwd)"
lister="$cases_dir/list_image.py"
cd "$E2E_WORK"
make_busybox_rootfs "$E2E_WORK/busybox-rootfs"
for snapshotter in overlay native; do
  MYBUILD_ROOT="$E2E_WORK/root-$snapshotter" import_busybox conformance-base:latest
done

# config_matches EXPECTED ACTUAL: true when ACTUAL's "config" equals EXPECTED's (if given) and every
# other field of EXPECTED has the same value in ACTUAL.
config_matches() {
  jq -e --argjson want "$(cat "$1")" '. as $have |
    (($want | has("config") | not) or ($have.config == $want.config)) and
    ([$want | del(.config) | paths(scalars)] | all(. as $p | ($want | getpath($p)) == ($have | getpath($p))))' \
    "$2" >/dev/null
}

# history_lines CONFIG: the history as expected_history.txt writes it.
history_lines() {
  jq -r '.history[] | (if .empty_layer then "empty " else "layer " end) + .created_by' "$1"
}

failures=0
ran=0
for case_dir in "$cases_dir"/*/; do
  name=$(basename "$case_dir")
  if [ -n "${CONFORMANCE_CASES:-}" ] && ! [[ " $CONFORMANCE_CASES " == *" $name "* ]]; then continue; fi
  ctx="$E2E_WORK/ctx-$name"
  rm -rf "$ctx" && mkdir -p "$ctx"
  [ -d "$case_dir/context" ] && cp -a "$case_dir/context/." "$ctx/"
  cp "$case_dir/Dockerfile" "$ctx/Dockerfile"
  if [ -f "$case_dir/make_context.sh" ]; then
    set +e
    (cd "$ctx" && umask 022 && bash "$case_dir/make_context.sh")
    made=$?
    set -e
    if [ "$made" -eq 77 ]; then echo "skipped case $name"; continue; fi
    [ "$made" -eq 0 ] || fail "$name: make_context.sh exited $made"
  fi
  scope=()
  [ -f "$case_dir/scope" ] && mapfile -t scope <"$case_dir/scope"
  for snapshotter in overlay native; do
    for stream in 1 0; do
      variant="$name ($snapshotter, streamed COPY $([ $stream = 1 ] && echo on || echo off))"
      out="$E2E_WORK/out-$name-$snapshotter-$stream"
      set +e
      MYBUILD_ROOT="$E2E_WORK/root-$snapshotter" MYBUILD_STREAM_COPIES=$stream "$MYBUILD" build --progress plain \
        --snapshotter "$snapshotter" -o "type=oci,dest=$out.tar" "$ctx" >"$out.log" 2>&1
      built=$?
      set -e
      ran=$((ran + 1))
      if [ -f "$case_dir/expected_error.txt" ]; then
        want=$(cat "$case_dir/expected_error.txt")
        if [ "$built" -eq 0 ]; then
          echo "FAIL: $variant: the build succeeded, expected an error containing [$want]" >&2
          failures=$((failures + 1))
        elif ! grep -qF -- "$want" "$out.log"; then
          echo "FAIL: $variant: the error does not contain [$want]:" >&2
          tail -5 "$out.log" >&2
          failures=$((failures + 1))
        else
          pass "$variant fails as expected"
        fi
        continue
      fi
      if [ "$built" -ne 0 ]; then
        echo "FAIL: $variant: the build failed:" >&2
        tail -5 "$out.log" >&2
        failures=$((failures + 1))
        continue
      fi
      python3 "$lister" "$out.tar" "${scope[@]}" >"$out.files"
      if ! diff -u "$case_dir/expected_files.txt" "$out.files" >"$out.diff"; then
        echo "FAIL: $variant: the image's files differ from expected_files.txt:" >&2
        cat "$out.diff" >&2
        failures=$((failures + 1))
        continue
      fi
      digest=$(tar -xOf "$out.tar" index.json | jq -r '.manifests[0].digest')
      tar -xOf "$out.tar" "blobs/sha256/${digest#sha256:}" >"$out.manifest.json"
      config=$(jq -r .config.digest "$out.manifest.json")
      tar -xOf "$out.tar" "blobs/sha256/${config#sha256:}" >"$out.config.json"
      if [ -f "$case_dir/expected_config.json" ] && ! config_matches "$case_dir/expected_config.json" "$out.config.json"; then
        echo "FAIL: $variant: the image config does not match expected_config.json:" >&2
        jq -c . "$out.config.json" >&2
        failures=$((failures + 1))
        continue
      fi
      if [ -f "$case_dir/expected_history.txt" ]; then
        history_lines "$out.config.json" >"$out.history"
        if ! diff -u "$case_dir/expected_history.txt" "$out.history" >"$out.history.diff"; then
          echo "FAIL: $variant: the image history differs from expected_history.txt:" >&2
          cat "$out.history.diff" >&2
          failures=$((failures + 1))
          continue
        fi
        want_layers=$(grep -c '^layer ' "$case_dir/expected_history.txt" || true)
        have_layers=$(jq '.layers | length' "$out.manifest.json")
        have_diff_ids=$(jq '.rootfs.diff_ids | length' "$out.config.json")
        if [ "$have_layers" != "$want_layers" ] || [ "$have_diff_ids" != "$want_layers" ]; then
          echo "FAIL: $variant: $have_layers layers and $have_diff_ids diff_ids for $want_layers layer entries of the history" >&2
          failures=$((failures + 1))
          continue
        fi
      fi
      pass "$variant"
    done
  done
done
[ "$ran" -gt 0 ] || fail "no conformance case ran"
[ "$failures" -eq 0 ] || fail "$failures of $ran conformance builds differ from the expected images"
pass "$ran conformance builds give the expected images"

# Helpers for the solver end-to-end tests (tests/e2e/solver_*.sh): builds with `--progress rawjson` and
# questions about its events. Source after common.bash; needs jq and root (RUN needs namespaces).
require_tool jq
require_root

# build_json EVENTS [ARGS…]: `mybuild build --progress rawjson ARGS…`, events to EVENTS (with the final
# "error: …" line, if any, which the readers below skip), the image's manifest digest to stdout (from the
# metadata file: the build itself prints the image ID); returns mybuild's exit code.
build_json() {
  local events=$1
  shift
  "$MYBUILD" build --progress rawjson --metadata-file "$events.metadata" "$@" 2>"$events" >/dev/null &&
    manifest_digest_in "$events.metadata"
}

# steps_in STATE EVENTS: the names of the steps that reached STATE (done, cached, error, canceled), sorted,
# one per line.
steps_in() {
  jq -rR --arg s "$1" 'fromjson? | select(.state? == $s) | .name' "$2" | sort
}

# summary_of FIELD EVENTS: one field of the final summary line (total, ran, cached, failed, …).
summary_of() {
  jq -rR --arg f "$1" 'fromjson? | select(.summary?) | .summary[$f]' "$2"
}

# assert_all_cached EVENTS WHAT: nothing ran and every step was cached.
assert_all_cached() {
  local ran total cached
  ran=$(summary_of ran "$1")
  total=$(summary_of total "$1")
  cached=$(summary_of cached "$1")
  [ -n "$total" ] && [ "$total" -gt 0 ] || fail "$2: no summary in the events"
  [ "$ran" = 0 ] && [ "$cached" = "$total" ] || fail "$2: expected all $total steps cached, got $ran ran, $cached cached ($(steps_in done "$1" | tr '\n' '|'))"
  [ -z "$(steps_in done "$1")" ] || fail "$2: steps ran: $(steps_in done "$1" | tr '\n' '|')"
  pass "$2"
}

# assert_ran EVENTS "EXPECTED" WHAT: exactly the steps whose names end with the given texts ran
# (EXPECTED: one suffix per line, sorted as `sort` does for the full names).
assert_ran() {
  local actual
  actual=$(steps_in done "$1" | sed -E 's/^\[[^]]*\] //')
  assert_eq "$2" "$actual" "$3"
}

# no_mounts_under DIR: true when nothing is mounted at or below DIR.
no_mounts_under() {
  [ -z "$(mounts_under "$1")" ]
}

#!/usr/bin/env bash
# Independent stages run at the same time: two stages that each take a while overlap, asserted from the
# steps' start and end events (not from wall time); with -j1 they do not; the image is the same either way.
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/solver.bash"
cd "$E2E_WORK"
export SOURCE_DATE_EPOCH=1700000000
import_busybox base:latest

mkdir ctx
cat >ctx/Dockerfile <<'EOF2'
FROM base:latest AS left
RUN sleep 2 && echo left >/left
FROM base:latest AS right
RUN sleep 2 && echo right >/right
FROM base:latest
COPY --from=left /left /left
COPY --from=right /right /right
EOF2

# interval NAME EVENTS: "started completed" of the step's done event (RFC 3339, UTC, milliseconds).
interval() {
  jq -rR --arg n "$1" 'fromjson? | select(.state? == "done" and (.name | endswith($n))) | "\(.started) \(.completed)"' "$2"
}
# overlap EVENTS: true when the two RUN steps were running at the same time.
overlap() {
  local ls le rs re
  read -r ls le <<<"$(interval "RUN sleep 2 && echo left >/left" "$1")"
  read -r rs re <<<"$(interval "RUN sleep 2 && echo right >/right" "$1")"
  [ -n "$ls" ] && [ -n "$rs" ] || fail "both RUN steps report start and end ($1)"
  [[ "$ls" < "$re" && "$rs" < "$le" ]]
}

parallel=$(build_json j2.json -j 2 ctx) || { cat j2.json >&2; fail "the -j2 build fails"; }
overlap j2.json || fail "with -j 2 the two stages overlap: $(interval "RUN sleep 2 && echo left >/left" j2.json) vs $(interval "RUN sleep 2 && echo right >/right" j2.json)"
pass "with -j 2 the two independent stages run at the same time"

serial=$(build_json j1.json -j 1 --no-cache ctx) || fail "the -j1 build fails"
overlap j1.json && fail "with -j 1 steps never overlap"
pass "with -j 1 the stages run one after the other"
assert_eq "$parallel" "$serial" "-j1 and -j2 give the same manifest digest"

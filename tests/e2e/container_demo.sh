#!/usr/bin/env bash
# `make demo` (scripts/demo.sh) ends by running the demo image: `mybuild run --rm mybuild-demo:latest`
# prints its message (ENTRYPOINT hello.sh, CMD world, ENV GREETING, USER 1000:1000, WORKDIR /app).
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/containers.bash"
require_root
[ -x /bin/busybox ] || skip "busybox-static is not installed"
repo="$(dirname "$MYBUILD_E2E_LIB")/../../.."
DEMO_OUT="$E2E_WORK/demo" bash "$repo/scripts/demo.sh" "$MYBUILD" >demo.txt 2>&1 || { cat demo.txt >&2; fail "scripts/demo.sh"; }
assert_eq "hello from mybuild, world
hello from mybuild" "$(sed -n '/^== running it/,$p' demo.txt | tail -n +2)" "the demo ends with the container's message"
assert_eq "1000 /app" "$("$MYBUILD" run --rm --entrypoint sh mybuild-demo:latest -c 'echo $(id -u) $(pwd)')" \
  "the demo image runs as its USER in its WORKDIR"
assert_no_leaks "the demo"

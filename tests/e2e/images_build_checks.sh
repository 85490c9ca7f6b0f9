#!/usr/bin/env bash
# A normal build prints the build check warnings once, before the steps, and a summary at the end; in
# rawjson they are events; check=error=true fails the build before any step runs.
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/images.bash"
require_root
import_busybox bb:latest
mkdir ctx
printf 'FROM bb:latest\nMAINTAINER me\nRUN echo step-ran\nCMD echo hi\n' >ctx/Dockerfile  # and UnpinnedBaseImage

mb_build -o type=oci,dest=out.tar ctx >/dev/null
log="$E2E_WORK/last-build.log"
assert_eq 1 "$(grep -c 'JSONArgsRecommended' "$log")" "each warning is printed once"
assert_contains "$(cat "$log")" "warning: ctx/Dockerfile:4:1: JSONArgsRecommended: JSON arguments recommended for CMD" "the warning names its location and rule"
first_warning=$(grep -n 'warning: ctx/Dockerfile' "$log" | head -1 | cut -d: -f1)
first_step=$(grep -n '^#[0-9]' "$log" | head -1 | cut -d: -f1)
[ "$first_warning" -lt "$first_step" ] || fail "the warnings come before the steps"
pass "the warnings come before the steps"
assert_eq "3 warnings found (use --check for details)" "$(grep 'warnings found' "$log")" "the summary line"
[ "$(grep -n 'warnings found' "$log" | cut -d: -f1)" -gt "$first_step" ] || fail "the summary comes after the steps"
pass "the summary comes after the steps"

"$MYBUILD" build --progress rawjson -o type=oci,dest=out.tar ctx 2>raw.log >/dev/null
assert_contains "$(cat raw.log)" '"rule":"MaintainerDeprecated"' "rawjson has the warning as an event"

printf '# check=error=true\nFROM bb:latest\nRUN echo step-ran\nCMD echo hi\n' >ctx/Dockerfile
mb_build_fails -o type=oci,dest=out.tar ctx
assert_contains "$(cat "$log")" "check=error=true" "error=true fails the build"
[[ "$(cat "$log")" != *step-ran* ]] || fail "no step runs when the checks fail the build"
pass "no step runs when the checks fail the build"

# InvalidBaseImagePlatform: the stored image's platform against the build's (--check reads the store).
case "$(uname -m)" in x86_64) other=linux/arm64 ;; *) other=linux/amd64 ;; esac
printf 'FROM bb:latest\nFROM nothere:1\n' >ctx/Dockerfile
out=$("$MYBUILD" build --check --platform "$other" ctx)
assert_contains "$out" "InvalidBaseImagePlatform: Base image bb:latest was pulled with platform" "an image of another platform is reported"
assert_contains "$out" "expected \"$other\" for current build" "with the platform the build expects"
assert_eq 1 "$(grep -c InvalidBaseImagePlatform <<<"$out")" "an image not in the store is not compared"
out=$("$MYBUILD" build --check ctx)
[[ "$out" != *InvalidBaseImagePlatform* ]] || fail "the host's platform matches the imported image"
pass "the host's platform matches the imported image"

#!/usr/bin/env bash
# A project in the shape users write (tests/e2e/projects/NAME: a Dockerfile, its sources and project.bash)
# on the Debian bookworm base: it builds; the rebuild is all CACHED and gives the same image; after the
# source edit that project.bash makes, only its tail rebuilds; that image (OCI output, umoci unpack) runs
# under runc and prints what it should (the edited output). project.bash sets expect_output (what the
# edited image prints), expect_ran_after_edit (the rebuilt steps, one a line), edit_project CONTEXT, and
# optionally needs_npm_registry=1, build_flags (an array of flags for every build) and check_image CONFIG_JSON BUNDLE (more checks of the edited image).
#   usage: run_project.sh NAME   (ctest: "e2e: project NAME")
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/run.bash"
source "$(dirname "$MYBUILD_E2E_LIB")/debian.bash"
name=${1:?usage: run_project.sh NAME}
project="$(cd "$(dirname "$0")" && pwd)/$name"
[ -f "$project/project.bash" ] || fail "no project $project"
require_root
require_tool umoci
require_tool runc
needs_npm_registry=0
build_flags=()
source "$project/project.bash"
require_debian_archive
[ "$needs_npm_registry" = 0 ] || require_npm_registry
cd "$E2E_WORK"
start=$SECONDS
import_debian_bookworm
echo "time: $name import $((SECONDS - start)) s"

mkdir ctx
cp -a "$project/." ctx/
rm ctx/project.bash

build() {  # build TAG [ARGS…]: builds ctx as project:TAG; prints the manifest digest and the time taken
  local tag=$1 start=$SECONDS
  shift
  "$MYBUILD" build -t "project:$tag" --progress plain "${build_flags[@]}" "$@" ctx 2>"$E2E_WORK/$tag.log" ||
    { cat "$E2E_WORK/$tag.log" >&2; fail "building $name ($tag)"; }
  echo "time: $name $tag build $((SECONDS - start)) s" >&2
}

cold=$(build cold)
pass "the project builds: $(build_summary_in "$E2E_WORK/cold.log")"
assert_root_clean "the build leaves the root clean"

again=$(build again)
[[ "$(build_summary_in "$E2E_WORK/again.log")" =~ ^[0-9]+\ steps:\ 0\ ran, ]] ||
  fail "the rebuild is all CACHED: $(build_summary_in "$E2E_WORK/again.log"); ran: $(steps_ran "$E2E_WORK/again.log")"
pass "the rebuild is all CACHED: $(build_summary_in "$E2E_WORK/again.log")"
assert_eq "$cold" "$again" "the rebuild gives the same image"

edit_project ctx
build edited -o "type=oci,dest=$E2E_WORK/edited.tar" >/dev/null
assert_eq "$expect_ran_after_edit" "$(steps_ran "$E2E_WORK/edited.log")" "after the source edit only the tail rebuilds"

start=$SECONDS
bundle=$(unpack edited)
echo "time: $name umoci unpack $((SECONDS - start)) s"
runc_run "$bundle"
assert_eq "$expect_output" "$RUNC_OUTPUT" "the image runs under runc and prints what it should"
if declare -F check_image >/dev/null; then
  config="$(oci_dir edited)/blobs/sha256/$(manifest_of edited | jq -r .config.digest | cut -d: -f2)"
  check_image "$config" "$bundle"
fi

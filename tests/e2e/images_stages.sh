#!/usr/bin/env bash
# Issue 3, stages: FROM name:tag from the store (also through a global ARG), FROM scratch, FROM an earlier
# stage, COPY --from by name and index, --target, the last stage by default, unused stages not built, CMD
# reset by ENTRYPOINT across stages, ONBUILD triggers run when the image is used as a base.
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/images.bash"
require_root
export SOURCE_DATE_EPOCH=1700000000
import_busybox bb:latest
ctx=$(image_case stages)

# Default target: the last stage ("final"); the "broken" stage (a missing COPY source) is never built.
mb_build -o type=oci,dest=final.tar "$ctx" >/dev/null
pass "the unused stage with a missing source is not built"
unpack_oci final.tar final
assert_eq "stage a" "$(cat final/rootfs/a.txt)" "FROM an earlier stage keeps its files"
assert_eq "stage b" "$(cat final/rootfs/from-stage.txt)" "COPY --from=NAME"
assert_eq "stage a" "$(cat final/rootfs/from-index.txt)" "COPY --from=0"
[ -x final/rootfs/bin/busybox ] || fail "FROM \$BASE (global ARG) resolves bb:latest from the store"
pass "FROM \$BASE from the store"
config=$(image_config final.tar)
assert_eq '"final"' "$(jq -c '.config.Labels.stage' <<<"$config")" "the last stage is the default target"
assert_eq '"bb:latest"' "$(jq -c '.config.Labels.base' <<<"$config")" "ARG redeclared in a stage takes the global default"
assert_contains "$(jq -c .config.Env <<<"$config")" '"FROM_BASE=1"' "ENV is inherited from the parent stage"
assert_eq '"user"' "$(jq -c .config.User <<<"$config")" "USER"
assert_eq "1000:1000" "$(stat -c %u:%g final/rootfs/owned/by/user)" "WORKDIR after USER creates the directory owned by the user"
assert_eq '["/bin/true"]' "$(jq -c .config.Entrypoint <<<"$config")" "ENTRYPOINT"
assert_eq 'null' "$(jq -c .config.Cmd <<<"$config")" "ENTRYPOINT resets a CMD inherited from the base"
if grep -q "does-not-exist" "$E2E_WORK/last-build.log"; then fail "the broken stage shows in the progress"; fi
pass "no step of the broken stage ran"

# WORKDIR after USER naming a user the image does not know (scratch has no /etc/passwd): owned by root.
printf 'FROM scratch\nUSER nobody:nogroup\nWORKDIR /app/dir\n' >unknown-user.Dockerfile
mb_build -f unknown-user.Dockerfile -o type=local,dest=unknown-user "$ctx" >/dev/null
assert_eq "0:0" "$(stat -c %u:%g unknown-user/app/dir)" "WORKDIR with an unknown USER is created owned by root"

# --target picks a stage; the image has only what that stage needs.
mb_build --target base -o type=oci,dest=base.tar "$ctx" >/dev/null
config=$(image_config base.tar)
assert_eq '["base-cmd"]' "$(jq -c .config.Cmd <<<"$config")" "--target base: its CMD"
assert_eq 'null' "$(jq -c .config.Entrypoint <<<"$config")" "--target base: no ENTRYPOINT"
mb_build --target files -o type=oci,dest=files.tar "$ctx" >/dev/null
unpack_oci files.tar files
assert_eq "b.txt" "$(ls files/rootfs)" "--target files: FROM scratch has only its file"
assert_eq 1 "$(skopeo inspect oci-archive:files.tar | jq '.Layers | length')" "FROM scratch + one COPY = one layer"
assert_contains "$(jq -r '.config.Env | join(" ")' <<<"$(image_config files.tar)")" "PATH=" "FROM scratch has the default PATH"
mb_build_fails --target broken "$ctx"
assert_contains "$(cat "$E2E_WORK/last-build.log")" "does-not-exist.txt" "--target broken fails naming the source"
mb_build_fails --target no-such-stage "$ctx"
assert_contains "$(cat "$E2E_WORK/last-build.log")" "no-such-stage" "an unknown --target is named"
mb_build_fails --build-arg BASE=missing:tag "$ctx"
assert_contains "$(cat "$E2E_WORK/last-build.log")" "missing:tag" "a base image not in the store is named"

# ONBUILD: recorded in the base image, run in the child's context, then cleared.
base_digest=$(mb_build -t onbase:1 "$(image_case onbuild)/base")
[[ "$base_digest" =~ ^sha256: ]] || fail "the ONBUILD base builds"
onbase=$(jq -c '.[0].Config.OnBuild' <<<"$("$MYBUILD" inspect onbase:1)")
assert_eq '["COPY trigger.txt /trigger.txt","LABEL triggered=yes"]' "$onbase" "ONBUILD triggers are recorded"
mb_build -o type=oci,dest=child.tar "$E2E_WORK/case-onbuild/child" >/dev/null
unpack_oci child.tar child
assert_eq "from the child's context" "$(cat child/rootfs/trigger.txt)" "the ONBUILD COPY ran with the child's context"
assert_eq "own" "$(cat child/rootfs/own.txt)" "the child's own COPY ran"
config=$(image_config child.tar)
assert_eq '"yes"' "$(jq -c .config.Labels.triggered <<<"$config")" "the ONBUILD LABEL ran"
assert_eq 'null' "$(jq -c .config.OnBuild <<<"$config")" "triggers are not inherited by the child"
assert_eq '["base"]' "$(jq -c .config.Cmd <<<"$config")" "the child inherits CMD"

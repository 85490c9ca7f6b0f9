#!/usr/bin/env bash
# Issue 3, image config: ENV, ARG (global, per stage, --build-arg K=V and K from the environment, automatic
# platform args), LABEL (and --label), EXPOSE, VOLUME, USER, WORKDIR (created in a layer), CMD and
# ENTRYPOINT (CMD reset), SHELL, STOPSIGNAL, HEALTHCHECK, ONBUILD, MAINTAINER: each where `docker inspect`
# users expect it, value by value, with one history entry per instruction.
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/images.bash"
require_root
export SOURCE_DATE_EPOCH=1700000000
import_busybox bb:latest
ctx=$(image_case config)
case "$(uname -m)" in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; *) arch=$(uname -m) ;; esac

FROM_ENV=envval mb_build -t cfg:1 --build-arg FROM_ENV --build-arg FROM_CLI=clival --label cli.label=yes \
  -o type=oci,dest=cfg.tar "$ctx" >/dev/null
config=$(image_config cfg.tar)
c() { jq -c "$1" <<<"$config"; }

assert_eq '"Jane Doe <jane@example.com>"' "$(c .author)" "MAINTAINER sets author"
assert_eq '"'"$arch"'"' "$(c .architecture)" "architecture"
assert_eq '"linux"' "$(c .os)" "os"
env=$(c .config.Env)
assert_eq '"/app"' "$(jq -c 'map(select(startswith("APP_HOME=")))[0][9:]' <<<"$env")" "ENV APP_HOME"
assert_contains "$(jq -r 'map(select(startswith("PATH=")))[0]' <<<"$env")" "PATH=/app/bin:/" "ENV PATH=/app/bin:\$PATH expands the old PATH"
assert_eq 1 "$(jq 'map(select(startswith("PATH="))) | length' <<<"$env")" "PATH appears once"
assert_eq '"GREETING=hello world"' "$(jq -c 'map(select(startswith("GREETING=")))[0]' <<<"$env")" "ENV with quotes"
assert_eq '"EMPTY="' "$(jq -c 'map(select(startswith("EMPTY=")))[0]' <<<"$env")" "ENV with an empty value"
assert_eq 0 "$(jq 'map(select(startswith("VERSION=") or startswith("FROM_CLI="))) | length' <<<"$env")" "ARGs are not in Env"
labels=$(c .config.Labels)
assert_eq '"1.0"' "$(jq -c '."org.example.version"' <<<"$labels")" "LABEL with an ARG default"
assert_eq '"a b"' "$(jq -c '."multi word"' <<<"$labels")" "LABEL with quoted key and value"
assert_eq '"envval"' "$(jq -c '."from.env"' <<<"$labels")" "--build-arg K takes the value from the environment"
assert_eq '"clival"' "$(jq -c '."from.cli"' <<<"$labels")" "--build-arg K=V overrides the default"
assert_eq '"'"$arch"'"' "$(jq -c '."platform.arch"' <<<"$labels")" "TARGETARCH"
assert_eq '"linux"' "$(jq -c '."platform.os"' <<<"$labels")" "TARGETOS"
assert_eq '"linux/'"$arch"'"' "$(jq -c '."platform.target"' <<<"$labels")" "TARGETPLATFORM"
assert_eq '"linux/'"$arch"'"' "$(jq -c '."platform.build"' <<<"$labels")" "BUILDPLATFORM"
assert_eq '"xx"' "$(jq -c '."scope.base"' <<<"$labels")" "a global ARG is not visible in a stage unless redeclared"
assert_eq '"yes"' "$(jq -c '."cli.label"' <<<"$labels")" "--label"
assert_eq '{"443/tcp":{},"53/udp":{},"80/tcp":{}}' "$(jq -cS .config.ExposedPorts <<<"$config")" "EXPOSE"
assert_eq '{"/cache":{},"/data":{},"/logs":{}}' "$(jq -cS .config.Volumes <<<"$config")" "VOLUME (words and JSON)"
assert_eq '"/app/sub"' "$(c .config.WorkingDir)" "WORKDIR (relative to the previous one, with \$ENV)"
assert_eq '"user:staff"' "$(c .config.User)" "USER"
assert_eq '["/bin/sh","-ec"]' "$(c .config.Shell)" "SHELL"
assert_eq '"SIGTERM"' "$(c .config.StopSignal)" "STOPSIGNAL"
assert_eq '{"Interval":30000000000,"Retries":3,"StartPeriod":10000000000,"Test":["CMD-SHELL","wget -q localhost || exit 1"],"Timeout":5000000000}' \
  "$(jq -cS .config.Healthcheck <<<"$config")" "HEALTHCHECK"
assert_eq '["/bin/echo"]' "$(c .config.Entrypoint)" "ENTRYPOINT"
assert_eq '["hi"]' "$(c .config.Cmd)" "CMD after ENTRYPOINT (the earlier CMD is reset)"
assert_eq '["COPY trigger.txt /trigger.txt"]' "$(c .config.OnBuild)" "ONBUILD is recorded"
assert_eq '"2023-11-14T22:13:20Z"' "$(c .created)" "created"

# docker inspect's view of the stored image.
inspect=$("$MYBUILD" inspect cfg:1)
assert_eq '"Jane Doe <jane@example.com>"' "$(jq -c '.[0].Author' <<<"$inspect")" "inspect: Author"
assert_eq '"/app/sub"' "$(jq -c '.[0].Config.WorkingDir' <<<"$inspect")" "inspect: Config.WorkingDir"
assert_eq '["hi"]' "$(jq -c '.[0].Config.Cmd' <<<"$inspect")" "inspect: Config.Cmd"
assert_eq '["COPY trigger.txt /trigger.txt"]' "$(jq -c '.[0].Config.OnBuild' <<<"$inspect")" "inspect: Config.OnBuild"

# WORKDIR is created in a layer.
unpack_oci cfg.tar out
[ -d out/rootfs/app/sub ] || fail "WORKDIR creates /app/sub in the image"
assert_eq "755 0:0" "$(stat_of out/rootfs/app/sub)" "the WORKDIR directory is 755 root"

# History: the base's entry, then one per instruction; metadata-only steps are empty_layer.
history=$(c .history)
assert_eq "mybuild import" "$(jq -r '.[0].created_by' <<<"$history")" "the base's history comes first"
# (ONBUILD adds no history entry, as in BuildKit.)
for keyword in MAINTAINER ARG ENV LABEL EXPOSE VOLUME USER SHELL STOPSIGNAL HEALTHCHECK CMD ENTRYPOINT; do
  n=$(jq --arg k "$keyword" '[.[] | select(.created_by | test("^(/bin/sh -c #\\(nop\\) +)?" + $k + " "))] | length' <<<"$history")
  [ "$n" -ge 1 ] || fail "a history entry for $keyword (history: $history)"
  e=$(jq --arg k "$keyword" '[.[] | select(.created_by | test("^(/bin/sh -c #\\(nop\\) +)?" + $k + " ")) | .empty_layer] | all' <<<"$history")
  assert_eq true "$e" "$keyword history is empty_layer"
done
assert_eq 2 "$(jq '[.[] | select(.created_by | test("WORKDIR")) | select(.empty_layer != true)] | length' <<<"$history")" \
  "each WORKDIR that creates a directory has a layer"
assert_eq 3 "$(jq '[.[] | select(.created_by | test("^(/bin/sh -c #\\(nop\\) +)?LABEL "))] | length' <<<"$history")" "one entry per LABEL"
assert_eq 2 "$(jq '[.[] | select(.created_by | test("^(/bin/sh -c #\\(nop\\) +)?ENV "))] | length' <<<"$history")" "one entry per ENV"
instructions=$(grep -cvE '^(FROM|ONBUILD|ARG BASE|[[:space:]]|$)' "$ctx/Dockerfile")
assert_eq "$((instructions + 1))" "$(jq length <<<"$history")" "one history entry per instruction (ONBUILD excepted)"
assert_eq '"ARG FROM_ENV=envval"' "$(jq -c '[.[] | select(.created_by | startswith("ARG FROM_ENV"))][0].created_by' <<<"$history")" \
  "ARG history shows the value in effect"
assert_eq "$(c '.rootfs.diff_ids | length')" "$(jq '[.[] | select(.empty_layer != true)] | length' <<<"$history")" \
  "non-empty history entries match the layers"
assert_eq '"2023-11-14T22:13:20Z"' "$(jq -c '[.[].created] | unique | .[0]' <<<"$history")" "history created = SOURCE_DATE_EPOCH"

# The same build from a fresh root gives the same bytes (the config included).
MYBUILD_ROOT="$E2E_WORK/root2" import_busybox bb:latest
FROM_ENV=envval MYBUILD_ROOT="$E2E_WORK/root2" mb_build -t cfg:1 --build-arg FROM_ENV --build-arg FROM_CLI=clival \
  --label cli.label=yes -o type=oci,dest=cfg2.tar "$ctx" >/dev/null
cmp -s cfg.tar cfg2.tar || fail "a fresh root gives identical bytes"
pass "fresh root gives identical bytes"

# WORKDIR forms as BuildKit's NormalizeWorkdir gives them in the config (an absolute path as written,
# trailing slash included; a relative one joined and cleaned; an empty one keeps the current one), and the
# directory made is the clean path.
mkdir -p "$E2E_WORK/wd"
printf 'FROM scratch\nWORKDIR /tmp/\n' >"$E2E_WORK/wd/Dockerfile"
mb_build -o type=oci,dest=wd1.tar "$E2E_WORK/wd" >/dev/null
assert_eq '"/tmp/"' "$(image_config wd1.tar | jq -c .config.WorkingDir)" "WORKDIR /tmp/ keeps the trailing slash"
assert_eq '"WORKDIR /tmp/"' "$(image_config wd1.tar | jq -c '.history[-1].created_by')" "WORKDIR /tmp/ history as written"
printf 'FROM scratch\nENV E=\nWORKDIR /a/../b//\nWORKDIR $E\nWORKDIR c/./d/..\n' >"$E2E_WORK/wd/Dockerfile"
mb_build -o type=oci,dest=wd2.tar "$E2E_WORK/wd" >/dev/null
assert_eq '"/b/c"' "$(image_config wd2.tar | jq -c .config.WorkingDir)" "WORKDIR relative after absolute, empty, and .."
mb_build -o type=local,dest=wd2-fs "$E2E_WORK/wd" >/dev/null
[ -d wd2-fs/b/c ] && [ ! -e wd2-fs/a ] || fail "the WORKDIR directories made are the clean paths"
pass "the WORKDIR directories made are the clean paths"

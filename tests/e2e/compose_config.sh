#!/usr/bin/env bash
# `mybuild compose config`: the resolved model from the command line (file lookup from a subdirectory,
# -f merging, -p, --profile, --env-file, --format json|yaml, --services, --images) and an error that names
# file:line:column. The model itself is checked case by case in the unit tests (testdata/compose).
source "$MYBUILD_E2E_LIB"
require_tool jq

project="$E2E_WORK/My Project"
mkdir -p "$project/sub/dir"
cat >"$project/compose.yaml" <<'YAML'
services:
  web:
    build: ./web
    environment:
      GREETING: ${GREETING:-hi}
  db:
    image: "db:${DB_TAG}"
  debug:
    image: debug
    profiles: [debug]
YAML
cat >"$project/compose.extra.yaml" <<'YAML'
services:
  web:
    image: custom-web
YAML
printf 'DB_TAG=16\n' >"$project/.env"
printf 'DB_TAG=17\nGREETING=hello\n' >"$project/other.env"

cd "$project/sub/dir"
json=$("$MYBUILD" compose config --format json)
assert_eq "myproject" "$(jq -r .name <<<"$json")" "the project name is the directory's, normalised"
assert_eq "$project/web" "$(jq -r .services.web.build.context <<<"$json")" "the build context is absolute"
assert_eq "db:16" "$(jq -r .services.db.image <<<"$json")" "interpolated from .env"
assert_eq "hi" "$(jq -r .services.web.environment.GREETING <<<"$json")" "a default"
assert_eq "db web" "$("$MYBUILD" compose config --services | tr '\n' ' ' | sed 's/ $//')" "--services leaves disabled profiles out"
assert_eq "db debug web" "$("$MYBUILD" compose --profile debug config --services | tr '\n' ' ' | sed 's/ $//')" "--profile enables"
cd "$project"
assert_eq "db:17 debug custom-web" \
  "$("$MYBUILD" compose -f compose.yaml -f compose.extra.yaml --env-file other.env -p proj --profile '*' config --images | tr '\n' ' ' | sed 's/ $//')" \
  "--images after -f merge and --env-file"
assert_eq "myproject-web" "$("$MYBUILD" compose config --images | tail -n 1)" "the default image name is <project>-<service>"
yaml=$("$MYBUILD" compose config)
assert_contains "$yaml" "name: myproject" "YAML output"
assert_contains "$yaml" "GREETING: hi" "YAML environment"

printf 'services:\n  web:\n    imgae: x\n' >"$E2E_WORK/bad.yaml"
set +e
err=$("$MYBUILD" compose -f "$E2E_WORK/bad.yaml" config 2>&1 >/dev/null)
rc=$?
set -e
assert_eq 1 "$rc" "an invalid file exits 1"
assert_contains "$err" 'bad.yaml:3:5: services.web: unknown key "imgae" in a service (did you mean "image"?)' "the error names file:line:column, the key path and the nearest key"

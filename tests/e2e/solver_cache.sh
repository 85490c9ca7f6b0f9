#!/usr/bin/env bash
# The content-hash cache, end to end: an unchanged rebuild runs nothing and gives the same image; an edit
# re-runs exactly the steps from the COPY that selects the file on; files no COPY selects (or that
# .dockerignore hides) re-run nothing; a mode change invalidates its COPY; --no-cache runs everything and
# --no-cache-filter only the named stage's steps. All asserted from `--progress rawjson` events.
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/solver.bash"
cd "$E2E_WORK"
export SOURCE_DATE_EPOCH=1700000000
import_busybox base:latest

mkdir -p ctx/deps ctx/src
printf 'dep one\n' >ctx/deps/one
printf 'dep two\n' >ctx/deps/two
printf 'main\n' >ctx/src/main.c
printf 'util\n' >ctx/src/util.c
printf 'build log\n' >ctx/src/debug.log
printf 'not copied\n' >ctx/README
printf 'src/*.log\n' >ctx/.dockerignore
cat >ctx/Dockerfile <<'EOF'
FROM base:latest AS deps
COPY deps/ /deps/
RUN cat /deps/one /deps/two >/deps.txt
FROM base:latest
COPY --from=deps /deps.txt /deps.txt
COPY src/ /src/
RUN cat /src/*.c >/out.txt && ls /src >/listing.txt
EOF

# Cold build: everything runs.
cold=$(build_json cold.json -t app:1 ctx) || { cat cold.json >&2; fail "the cold build fails"; }
[ "$(summary_of cached cold.json)" = 0 ] || fail "a cold build takes nothing from the cache"
pass "cold build: $(summary_of total cold.json) steps, none cached"
assert_eq "$(summary_of total cold.json)" \
  "$(( $(summary_of ran cold.json) ))" "a cold build runs every step"

# An unchanged rebuild runs nothing and gives the same image.
again=$(build_json again.json -t app:1 ctx) || fail "the rebuild fails"
assert_all_cached again.json "an unchanged rebuild runs nothing"
assert_eq "$cold" "$again" "an unchanged rebuild gives the same manifest digest"

# -j does not change the image (a fresh root, so that everything runs again).
for jobs in 1 4; do
  (
    export MYBUILD_ROOT="$E2E_WORK/root-j$jobs"
    "$MYBUILD" import "$E2E_WORK/busybox-rootfs" base:latest >/dev/null
    build_json "events-j$jobs" -j "$jobs" ctx >"digest-j$jobs"
  ) || fail "the build with -j $jobs fails"
done
assert_eq "$(cat digest-j1)" "$(cat digest-j4)" "-j1 and -j4 give the same manifest digest"
assert_eq "$cold" "$(cat digest-j1)" "a fresh root gives the same manifest digest"

# Editing a file under the later COPY re-runs exactly the steps from that COPY on.
printf 'main changed\n' >ctx/src/main.c
edited=$(build_json edit.json ctx) || fail "the rebuild after an edit fails"
assert_ran edit.json "COPY src/ /src/
RUN cat /src/*.c >/out.txt && ls /src >/listing.txt" "an edited source re-runs its COPY and the steps after it"
[ "$edited" != "$cold" ] || fail "an edited source changes the image"
pass "an edited source changes the image"
assert_contains "$(steps_in cached edit.json)" "RUN cat /deps/one /deps/two >/deps.txt" "steps before that COPY stay cached"

# Files that no COPY selects, or that .dockerignore hides, re-run nothing.
printf 'still not copied\n' >ctx/README
printf 'more log\n' >>ctx/src/debug.log
touch ctx/src/util.c  # a new mtime, same content
unselected=$(build_json unselected.json ctx) || fail "the rebuild after unselected edits fails"
assert_all_cached unselected.json "editing unselected or ignored files (or touching one) re-runs nothing"
assert_eq "$edited" "$unselected" "… and gives the same image"

# A mode change invalidates the COPY that copies the file.
chmod 0755 ctx/src/util.c
build_json mode.json ctx >/dev/null || fail "the rebuild after chmod fails"
assert_contains "$(steps_in done mode.json)" "COPY src/ /src/" "chmod of a copied file re-runs its COPY"
assert_contains "$(steps_in cached mode.json)" "COPY deps/ /deps/" "… and not the other COPY"

# --no-cache runs everything.
build_json nocache.json --no-cache ctx >/dev/null || fail "the --no-cache build fails"
assert_eq 0 "$(summary_of cached nocache.json)" "--no-cache takes nothing from the cache"
assert_eq "$(summary_of total nocache.json)" "$(summary_of ran nocache.json)" "--no-cache runs every step"

# --no-cache-filter re-runs only the named stage's steps (its results equal, so later steps stay cached).
filtered=$(build_json filter.json --no-cache-filter deps ctx) || fail "the --no-cache-filter build fails"
assert_ran filter.json "COPY deps/ /deps/
RUN cat /deps/one /deps/two >/deps.txt" "--no-cache-filter deps re-runs exactly the deps stage's steps"
assert_contains "$(steps_in cached filter.json)" "COPY src/ /src/" "… and the other stage's steps stay cached"
build_json filter2.json --no-cache-filter DEPS --no-cache-filter 0 ctx >/dev/null || fail "repeated filter fails"
assert_eq 2 "$(steps_in done filter2.json | wc -l)" "--no-cache-filter is repeatable and case-insensitive"
build_json filter3.json --no-cache-filter no-such-stage ctx >/dev/null || fail "an unknown stage name fails"
assert_all_cached filter3.json "--no-cache-filter with an unknown stage name changes nothing"

no_mounts_under "$MYBUILD_ROOT" || fail "mounts are left under the root"
pass "no mounts left under the root"

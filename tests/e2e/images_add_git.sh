#!/usr/bin/env bash
# ADD <git repository>: a local repository (two commits on main, an annotated tag, a branch with a
# subdirectory) served over git's dumb http protocol by python3 on 127.0.0.1. ADD #TAG, #BRANCH:SUBDIR and
# --keep-git-dir give the right trees (mtimes = the commit time, no .git unless asked); a rebuild is all
# cached; a new commit on the branch runs only its ADD again; the same commits give the same image digest
# from a fresh root (SOURCE_DATE_EPOCH); unknown refs, missing subdirs, a wrong --checksum and an
# unreachable server fail at the ADD's line:column.
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/images.bash"
source "$(dirname "$MYBUILD_E2E_LIB")/solver.bash"
require_tool git
export SOURCE_DATE_EPOCH=1700000000

# git for the test's own repository only: no user or system configuration, fixed identities and dates.
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME=e2e GIT_AUTHOR_EMAIL=e2e@example.com GIT_COMMITTER_NAME=e2e GIT_COMMITTER_EMAIL=e2e@example.com
work=$E2E_WORK/work
srv=$E2E_WORK/srv
commit() {  # commit EPOCH MESSAGE
  git -C "$work" add -A
  GIT_AUTHOR_DATE="@$1 +0000" GIT_COMMITTER_DATE="@$1 +0000" git -C "$work" commit -q -m "$2"
}
publish() {
  git -C "$work" push -q "$srv/repo.git" --all
  git -C "$work" push -q "$srv/repo.git" --tags
  git -C "$srv/repo.git" update-server-info  # the dumb protocol reads info/refs and objects/info/packs
}
git init -q -b main "$work"
echo one >"$work/file.txt"
mkdir "$work/sub"
echo inner >"$work/sub/inner.txt"
printf '#!/bin/sh\n' >"$work/tool.sh"
chmod 755 "$work/tool.sh"
ln -s ../../../../etc/passwd "$work/sub/escape"
commit 1600000000 first
git -C "$work" tag -a v1 -m "version 1"
echo two >"$work/file.txt"
commit 1600000100 second
git -C "$work" checkout -q -b feature
echo feature >"$work/sub/feature.txt"
commit 1600000200 feature
git -C "$work" checkout -q main
mkdir -p "$srv"
git init -q --bare -b main "$srv/repo.git"
publish

serve_http "$srv"
url=http://127.0.0.1:$HTTP_PORT/repo.git
main1=$(git -C "$work" rev-parse main)
tag1=$(git -C "$work" rev-parse 'v1^{commit}')

ctx=$E2E_WORK/ctx
mkdir -p "$ctx"
cat >"$ctx/Dockerfile" <<DOCKERFILE
FROM scratch
ADD $url#v1 /tag
ADD --keep-git-dir $url#main /full
ADD --chown=1000:1000 --chmod=0700 --checksum=${tag1:0:12} $url#v1:sub /owned/
ADD $url /head
ADD $url#feature:sub /sub
DOCKERFILE

build_json events1 -o type=local,dest=out1 "$ctx" >/dev/null || { cat events1; fail "the first build"; }
assert_eq one "$(cat out1/tag/file.txt)" "#TAG: the tagged commit's file (annotated tag peeled)"
assert_eq inner "$(cat out1/tag/sub/inner.txt)" "#TAG: subdirectories copied"
[ ! -e out1/tag/.git ] || fail "no .git without --keep-git-dir"
pass "no .git without --keep-git-dir"
assert_eq "755" "$(stat -c %a out1/tag/tool.sh)" "the executable bit is kept"
assert_eq "644" "$(stat -c %a out1/tag/file.txt)" "other files are 0644"
assert_eq "../../../../etc/passwd" "$(readlink out1/tag/sub/escape)" "a symlink is copied as it is, not followed"
assert_eq "1600000000" "$(stat -c %Y out1/tag/file.txt)" "mtimes are the commit time"
assert_eq "feature" "$(cat out1/sub/feature.txt)" "#BRANCH:SUBDIR copies the subdirectory's content"
[ ! -e out1/sub/file.txt ] && [ ! -e out1/sub/sub ] || fail "#BRANCH:SUBDIR copies nothing else"
pass "#BRANCH:SUBDIR copies nothing else"
assert_eq two "$(cat out1/full/file.txt)" "#main: the branch head"
assert_eq "$main1" "$(git -C out1/full rev-parse HEAD)" "--keep-git-dir keeps a working .git at the commit"
assert_eq "main" "$(git -C out1/full branch --show-current)" "--keep-git-dir: HEAD on the branch REF named"
assert_eq "" "$(git -C out1/full status --porcelain)" "--keep-git-dir: the work tree is clean"
assert_eq two "$(cat out1/head/file.txt)" "no #REF: the remote's HEAD"
assert_eq "1000:1000 700" "$(stat -c '%u:%g %a' out1/owned/inner.txt)" "--chown and --chmod apply; --checksum prefix accepted"

# Unchanged: everything is cached (the refs are resolved again, to the same commits).
build_json events2 -o type=local,dest=out2 "$ctx" >/dev/null || { cat events2; fail "the second build"; }
assert_all_cached events2 "an unchanged repository: every step cached"

# A new commit on the branch: only the ADD of that branch (the last step) runs again.
git -C "$work" checkout -q feature
echo feature2 >"$work/sub/feature.txt"
commit 1600000300 "feature 2"
git -C "$work" checkout -q main
publish
build_json events3 -o type=local,dest=out3 "$ctx" >/dev/null || { cat events3; fail "the third build"; }
ran=$(steps_in done events3)
grep -q "#feature:sub" <<<"$ran" || fail "the moved branch's ADD runs again (ran: $ran)"
grep -q "#v1 /tag" <<<"$(steps_in cached events3)" || fail "the tag's ADD stays cached"
assert_eq 1 "$(grep -c ADD <<<"$ran")" "only the moved branch's ADD ran"
assert_eq feature2 "$(cat out3/sub/feature.txt)" "the new commit's content"

# The same commits give the same image, also from a fresh root.
digest1=$(build_json events4 -t git:1 "$ctx") || { cat events4; fail "build -t git:1"; }
digest2=$(MYBUILD_ROOT=$E2E_WORK/root2 build_json events5 -t git:2 "$ctx") || { cat events5; fail "build in a fresh root"; }
[[ "$digest1" =~ ^sha256:[0-9a-f]{64}$ ]] || fail "a digest is printed, got [$digest1]"
assert_eq "$digest1" "$digest2" "the same commits give the same image digest from a fresh root"

# Errors name the ADD's line and column.
fails_with() {  # fails_with DOCKERFILE-LINE NEEDLE WHAT
  printf 'FROM scratch\n%s\n' "$1" >"$ctx/Bad.Dockerfile"
  mb_build_fails -f "$ctx/Bad.Dockerfile" "$ctx"
  local log
  log=$(cat "$E2E_WORK/last-build.log")
  assert_contains "$log" "Bad.Dockerfile:2:1" "$3: the error names line:column"
  assert_contains "$log" "$2" "$3: the error says why"
}
fails_with "ADD $url#nope /x" 'git ref "nope" not found' "an unknown ref"
fails_with "ADD $url#v1:nothere /x" 'subdirectory "nothere" not found' "a missing subdirectory"
fails_with "ADD --checksum=0000000 $url#v1 /x" "checksum mismatch" "a wrong --checksum"
fails_with "ADD http://127.0.0.1:1/none.git /x" "cannot be read" "an unreachable repository"

#!/usr/bin/env bash
# Issue 3, COPY: from the context, a stage and an image; --chown (names from the image's /etc/passwd and
# /etc/group), --chmod (octal, symbolic), --link, --parents, --exclude, wildcards, trailing-/ rules,
# directory contents vs directories, symlinks, heredocs; missing sources fail naming the pattern. The result
# is unpacked with umoci and checked file by file.
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/images.bash"
require_root
export SOURCE_DATE_EPOCH=1700000000
import_busybox bb:latest
ctx=$(image_case copy)
chmod 644 "$ctx"/*.txt "$ctx"/*.log "$ctx/dir/d.md" "$ctx/dir/sub/c.txt"
chmod 600 "$ctx/b.txt"
chmod 755 "$ctx/dir/e.txt"
chmod 750 "$ctx/dir/sub"
ln -s a.txt "$ctx/link-to-a"
ln -s e.txt "$ctx/dir/link-to-e"

mb_build -o type=oci,dest=copy.tar "$ctx" >/dev/null
unpack_oci copy.tar out
r=out/rootfs/dst

check_file() {  # check_file PATH CONTENT "MODE UID:GID"
  [ -f "$r/$1" ] && [ ! -L "$r/$1" ] || fail "/dst/$1 is a regular file"
  assert_eq "$2" "$(cat "$r/$1")" "/dst/$1 content"
  assert_eq "$3" "$(stat_of "$r/$1")" "/dst/$1 mode and owner"
}
check_absent() { [ ! -e "$r/$1" ] && [ ! -L "$r/$1" ] || fail "/dst/$1 must not exist"; pass "/dst/$1 absent"; }

check_file a.txt alpha "644 0:0"
check_file multi/a.txt alpha "644 0:0"
check_file multi/b.txt bravo "600 0:0"
# A directory source copies its contents; with or without a trailing slash.
for d in contents contents-slash; do
  check_file $d/d.md "# delta" "644 0:0"
  check_file $d/e.txt echo "755 0:0"
  check_file $d/sub/c.txt charlie "644 0:0"
  assert_eq "750 0:0" "$(stat_of "$r/$d/sub")" "$d/sub keeps its mode"
  assert_eq "e.txt" "$(readlink "$r/$d/link-to-e")" "$d: a symlink inside a directory stays a symlink"
  check_absent $d/dir
done
# Wildcards: * ? [class].
assert_eq "a.txt b.txt" "$(cd "$r/glob" && echo *)" "COPY *.txt"
assert_eq "file1.log file2.log" "$(cd "$r/question" && echo *)" "COPY file?.log"
assert_eq "a.txt b.txt" "$(cd "$r/class" && echo *)" "COPY [ab].txt"
# Trailing slash: without it the destination is the file, with it a directory (created with parents).
check_file noslash alpha "644 0:0"
check_file newdir/a.txt alpha "644 0:0"
check_file deep/er/c.txt charlie "644 0:0"
assert_eq "755 0:0" "$(stat_of "$r/deep")" "created parent directories are 755 root"
# A symlink named as the source is followed.
check_file symlink alpha "644 0:0"
# --chown with names from the image's /etc/passwd and /etc/group, ids, user only (primary group).
check_file chown-names alpha "644 1000:50"
check_file chown-ids alpha "644 1234:5678"
check_file chown-user alpha "644 1000:1000"
check_file chown-dir/e.txt echo "755 65534:65534"
check_file chown-dir/sub/c.txt charlie "644 65534:65534"
assert_eq "750 65534:65534" "$(stat_of "$r/chown-dir/sub")" "--chown applies to copied directories"
assert_eq "65534:65534" "$(stat -c %u:%g "$r/chown-dir")" "--chown applies to the created destination"
# --chmod octal and symbolic; on a directory it applies to everything copied.
check_file chmod-octal alpha "640 0:0"
check_file chmod-symbolic alpha "750 0:0"
check_file chmod-dir/d.md "# delta" "755 0:0"
assert_eq "755 0:0" "$(stat_of "$r/chmod-dir/sub")" "--chmod applies to copied directories"
# --link.
check_file linked/a.txt alpha "644 0:0"
check_file linked-owned bravo "600 1000:1000"
# --parents keeps the source path; --exclude drops matches.
check_file parents/dir/sub/c.txt charlie "644 0:0"
check_file parents/dir/d.md "# delta" "644 0:0"
check_absent parents/c.txt
check_file excluded/e.txt echo "755 0:0"
check_absent excluded/d.md
check_absent excluded/sub
# --from a stage (by name), an image, a directory of a stage.
check_file from-stage.txt bravo "600 0:0"
cmp -s "$r/from-image-group" "$E2E_WORK/busybox-rootfs/etc/group" || fail "COPY --from=IMAGE copies its file"
pass "COPY --from=bb:latest /etc/group"
check_file from-stage-dir/b.txt bravo "600 0:0"
# Heredocs.
check_file heredoc.txt "hello heredoc" "644 0:0"
check_file heredoc-expanded.txt "hello world" "644 0:0"
check_file heredoc-tabs.txt "tabs stripped" "644 0:0"
check_file heredoc-quoted.txt 'hello $WHO' "644 0:0"
check_file heredocs/one first "644 0:0"
check_file heredocs/two second "644 0:0"
# SOURCE_DATE_EPOCH clamps the mtimes of copied files (the context's files are newer).
newer=$(find "$r" -newermt "@$SOURCE_DATE_EPOCH" | sed -n 1,3p)
assert_eq "" "$newer" "no copied file is newer than SOURCE_DATE_EPOCH"
# The base image is still there.
[ -x out/rootfs/bin/busybox ] || fail "the base layer is unpacked"
pass "base layer present"

# History: one entry per COPY, none of them empty.
config=$(image_config copy.tar)
assert_eq 0 "$(jq '[.history[] | select(.created_by | test("^COPY")) | select(.empty_layer == true)] | length' <<<"$config")" \
  "COPY history entries are not empty_layer"
assert_eq "$(jq '.rootfs.diff_ids | length' <<<"$config")" "$(jq '[.history[] | select(.empty_layer != true)] | length' <<<"$config")" \
  "one non-empty history entry per layer"

# The same build from a fresh root gives the same bytes.
MYBUILD_ROOT="$E2E_WORK/root2" import_busybox bb:latest
MYBUILD_ROOT="$E2E_WORK/root2" mb_build -o type=oci,dest=copy2.tar "$ctx" >/dev/null
cmp -s copy.tar copy2.tar || fail "COPY is deterministic across fresh roots"
pass "COPY is deterministic across fresh roots"

# Errors: missing sources name the pattern; several sources need a directory destination.
err_build() {  # err_build DOCKERFILE-TEXT: the build fails; prints its stderr
  printf '%b' "$1" >"$E2E_WORK/err.Dockerfile"
  mb_build_fails -f "$E2E_WORK/err.Dockerfile" "$ctx"
  cat "$E2E_WORK/last-build.log"
}
assert_contains "$(err_build 'FROM scratch\nCOPY not-there.txt /\n')" "not-there.txt" "a missing source is named"
# Backslashes in sources, as BuildKit: the Dockerfile lexer takes one (lit\*star is the pattern lit*star);
# a pattern's \* is a literal * (lit\\** matches lit*star only); a source without an unescaped wildcard
# is a literal name, backslash included ('lit\*star' names the file lit\*star).
bs=$E2E_WORK/backslash
mkdir -p "$bs"
echo S >"$bs/lit*star" && echo X >"$bs/litXstar" && echo B >"$bs/lit\\*star"
printf 'FROM scratch\nCOPY lit\\*star /lexed/\nCOPY lit\\\\** /escaped/\nCOPY %s /literal/\n' "'lit\\*star'" \
  >"$bs/Dockerfile"
mb_build -o type=local,dest="$E2E_WORK/backslash-out" "$bs" >/dev/null
assert_eq 'lit*star litXstar lit\*star' "$(cd "$E2E_WORK/backslash-out/lexed" && ls | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')" \
  "COPY lit\\*star: the lexer leaves the pattern lit*star"
assert_eq 'lit*star' "$(cd "$E2E_WORK/backslash-out/escaped" && ls)" "COPY lit\\\\**: a pattern's \\* is a literal *"
assert_eq 'lit\*star' "$(cd "$E2E_WORK/backslash-out/literal" && ls)" "COPY 'lit\\*star': a literal name, backslash included"

# A wildcard matching nothing copies nothing and is no error, alone or among other sources (BuildKit's
# AllowEmptyWildcard); the directory it searches must exist.
printf 'FROM scratch\nCOPY nomatch*.zip /none/\nCOPY nomatch?.txt a.txt /some/\n' >"$E2E_WORK/empty-wild.Dockerfile"
mb_build -f "$E2E_WORK/empty-wild.Dockerfile" -o type=local,dest="$E2E_WORK/empty-wild" "$ctx" >/dev/null
[ ! -e "$E2E_WORK/empty-wild/none" ] || fail "a wildcard matching nothing creates no destination"
assert_eq "a.txt" "$(cd "$E2E_WORK/empty-wild/some" && echo *)" "a wildcard matching nothing among sources is no error"
assert_contains "$(err_build 'FROM scratch\nCOPY nodir/*.zip /\n')" '"/nodir": no such file or directory' \
  "a wildcard below a missing directory names it"
assert_contains "$(err_build 'FROM scratch\nCOPY a.txt ../outside/ /\n')" "outside" "a source outside the context fails"
assert_contains "$(err_build 'FROM scratch\nCOPY a.txt b.txt /notadir\n')" "must be a directory and end with a /" \
  "several sources need a destination ending in /"
assert_contains "$(err_build 'FROM bb:latest\nCOPY --chown=nosuchuser a.txt /\n')" "nosuchuser" "an unknown --chown user is named"
assert_contains "$(err_build 'FROM scratch\nCOPY --from=nosuchstage /x /\n')" "nosuchstage" "an unknown --from is named"

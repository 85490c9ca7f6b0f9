#!/usr/bin/env bash
# Issue 3, the build context: .dockerignore (with ! exceptions and **) and Dockerfile.dockerignore beside
# the Dockerfile; ADD of local tar archives (plain, gzip, bzip2, xz, zstd) which are unpacked, of http URLs
# (with --checksum, never unpacked, mode 600), --chown/--chmod on ADD, heredoc sources.
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/images.bash"
require_root
require_tool python3
for tool in bzip2 xz zstd; do require_tool "$tool"; done
export SOURCE_DATE_EPOCH=1700000000

# --- .dockerignore ---
ctx=$(image_case dockerignore)
mb_build -o type=local,dest=ign "$ctx" >/dev/null
for f in Dockerfile .dockerignore keep.log kept.txt other.txt sub/deep/normal.txt sub/deep/wanted.tmp; do
  [ -f "ign/ctx/$f" ] || fail ".dockerignore keeps $f"
done
pass ".dockerignore keeps what no pattern (or a ! exception) excludes"
for f in app.log secret.key sub/deep/secret.txt sub/deep/drop.tmp build; do
  [ ! -e "ign/ctx/$f" ] || fail ".dockerignore drops $f"
done
pass ".dockerignore drops *.log, **/secret*, build, sub/deep/*.tmp"
mb_build -f "$ctx/alt.Dockerfile" -o type=local,dest=alt "$ctx" >/dev/null
for f in app.log secret.key kept.txt sub/deep/normal.txt; do
  [ -f "alt/ctx/$f" ] || fail "alt.Dockerfile.dockerignore keeps $f"
done
for f in other.txt; do
  [ ! -e "alt/ctx/$f" ] || fail "alt.Dockerfile.dockerignore drops $f"
done
pass "Dockerfile.dockerignore beside the Dockerfile replaces the context's .dockerignore"
mb_build -f - -o type=local,dest=stdin-ign "$ctx" <"$ctx/Dockerfile" >/dev/null
[ ! -e stdin-ign/ctx/app.log ] && [ -f stdin-ign/ctx/keep.log ] || fail "-f - uses the context's .dockerignore"
pass "-f - uses the context's .dockerignore"

# A .dockerignore that cannot be read fails the build (naming the file); ignoring it would send what it lists.
# build_must_fail_on_ignore CTX WHAT NEEDLE
build_must_fail_on_ignore() {
  local out
  if out=$("$MYBUILD" build --progress plain -o type=local,dest="$E2E_WORK/bad-ign" "$1" 2>&1); then
    fail "$2: the build succeeded"
  fi
  assert_contains "$out" "$1/.dockerignore" "$2: the error names the file"
  assert_contains "$out" "$3" "$2: the error says why"
}
bad=$E2E_WORK/bad-ignore
mkdir -p "$bad" && printf 'FROM scratch\nCOPY . /ctx/\n' >"$bad/Dockerfile"
head -c $((17 << 20)) /dev/zero | tr '\0' 'x' >"$bad/.dockerignore"
build_must_fail_on_ignore "$bad" "a 17 MiB .dockerignore" "larger than"
rm "$bad/.dockerignore" && mkdir "$bad/.dockerignore"
build_must_fail_on_ignore "$bad" "a .dockerignore directory" "is a directory"
rmdir "$bad/.dockerignore" && echo secret >"$E2E_WORK/outside-ignore" && ln -s ../outside-ignore "$bad/.dockerignore"
build_must_fail_on_ignore "$bad" "a .dockerignore symlink out of the context" "leads out of"
rm "$bad/.dockerignore"
mb_build -o type=local,dest="$E2E_WORK/no-ign" "$bad" >/dev/null
[ -f "$E2E_WORK/no-ign/ctx/Dockerfile" ] || fail "no .dockerignore: the build copies the context"
pass "a missing .dockerignore is no error"

# --- ADD ---
ctx=$(image_case add)
mkdir -p tree/sub
echo "eff" >tree/f.txt
echo "gee" >tree/sub/g.txt
ln -s f.txt tree/lnk
chmod 640 tree/f.txt
chown 5:6 tree/f.txt
tar -C tree --numeric-owner -cf "$ctx/tree.tar" .
gzip -n -c "$ctx/tree.tar" >"$ctx/tree.tar.gz"
bzip2 -c "$ctx/tree.tar" >"$ctx/tree.tar.bz2"
xz -c "$ctx/tree.tar" >"$ctx/tree.tar.xz"
zstd -q -c "$ctx/tree.tar" >"$ctx/tree.tar.zst"

# A local web server for the URL sources.
mkdir www
echo "remote content" >www/remote.txt
cp "$ctx/tree.tar.gz" www/
serve_http www
port=$HTTP_PORT
sum="sha256:$(sha256sum www/remote.txt | cut -d' ' -f1)"

mb_build --build-arg "URL_BASE=http://127.0.0.1:$port" --build-arg "URL_SUM=$sum" -o type=oci,dest=add.tar "$ctx" >/dev/null
unpack_oci add.tar out
r=out/rootfs
for d in plain gzip bzip2 xz zstd into/existing; do
  assert_eq "eff" "$(cat "$r/$d/f.txt")" "ADD unpacks the $d archive"
  assert_eq "640 5:6" "$(stat_of "$r/$d/f.txt")" "$d: mode and owner come from the archive"
  assert_eq "gee" "$(cat "$r/$d/sub/g.txt")" "$d: sub/g.txt"
  assert_eq "f.txt" "$(readlink "$r/$d/lnk")" "$d: symlink"
done
assert_eq "note" "$(cat "$r/note.txt")" "ADD of a plain file copies it"
assert_eq "remote content" "$(cat "$r/url/remote.txt")" "ADD URL DIR/ names the file after the URL"
assert_eq "600 0:0" "$(stat_of "$r/url/remote.txt")" "a downloaded file is mode 600"
assert_eq "remote content" "$(cat "$r/url-named.txt")" "ADD URL FILE"
cmp -s www/tree.tar.gz "$r/url-archive/tree.tar.gz" || fail "an archive from a URL is not unpacked"
pass "an archive from a URL is not unpacked"
assert_eq "600 7:8" "$(stat_of "$r/owned-note.txt")" "ADD --chmod --chown"
assert_eq "added by heredoc" "$(cat "$r/heredoc.txt")" "ADD heredoc"

mb_build_fails --build-arg "URL_BASE=http://127.0.0.1:$port" \
  --build-arg "URL_SUM=sha256:0000000000000000000000000000000000000000000000000000000000000000" "$ctx"
assert_contains "$(cat "$E2E_WORK/last-build.log")" "checksum" "a wrong --checksum fails and says so"
mb_build_fails --build-arg "URL_BASE=http://127.0.0.1:$port/missing" --build-arg "URL_SUM=$sum" "$ctx"
assert_contains "$(cat "$E2E_WORK/last-build.log")" "404" "a missing URL fails with the HTTP status"

# Same inputs, fresh root: same bytes.
MYBUILD_ROOT="$E2E_WORK/root2" mb_build --build-arg "URL_BASE=http://127.0.0.1:$port" --build-arg "URL_SUM=$sum" \
  -o type=oci,dest=add2.tar "$ctx" >/dev/null
cmp -s add.tar add2.tar || fail "ADD is deterministic across fresh roots"
pass "ADD is deterministic across fresh roots"

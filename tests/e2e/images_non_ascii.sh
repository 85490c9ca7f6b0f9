#!/usr/bin/env bash
# Issue 10, point 1: file names and link targets are bytes. Under the C locale, a RUN creating `f\xc3\xa9.txt`,
# a symlink with a non-ASCII target, a name that is not UTF-8 (0xff) and a hardlink, a COPY of a context
# file with a non-ASCII name, and an `import` of a rootfs holding such names all build; `-o type=tar` and
# `-o type=local` give back the same bytes (GNU tar -t with literal quoting, readlink, byte for byte).
# The other paths that read or write a tar keep them too: `save` + `load` into a fresh root, ADD of a GNU
# and of a PAX archive, `--cache-to`/`--cache-from` through a fresh root, and `push` + `pull` through a
# local registry (when docker-registry is installed; that part says "skipped" otherwise).
source "$MYBUILD_E2E_LIB"
require_root
export LC_ALL=C
export SOURCE_DATE_EPOCH=1700000000
cd "$E2E_WORK"

# A rootfs holding non-ASCII names, imported.
rootfs="$E2E_WORK/busybox-rootfs"
make_busybox_rootfs "$rootfs"
mkdir -p "$rootfs/etc/ssl/certs"
printf 'cert\n' >"$rootfs/etc/ssl/certs/F$(printf '\xc5\x91')tan$(printf '\xc3\xba')s$(printf '\xc3\xad')tv$(printf '\xc3\xa1')ny.crt"
ln -s "F$(printf '\xc5\x91')tan$(printf '\xc3\xba')s$(printf '\xc3\xad')tv$(printf '\xc3\xa1')ny.crt" \
  "$rootfs/etc/ssl/certs/NetLock_$(printf '\xc5\x91').pem"
printf 'raw\n' >"$rootfs/imported-$(printf '\xff')"
"$MYBUILD" import "$rootfs" nonascii-base:latest >/dev/null 2>"$E2E_WORK/import.err" \
  || { cat "$E2E_WORK/import.err"; fail "import of a rootfs with non-ASCII names"; }
pass "import of a rootfs with non-ASCII and non-UTF-8 names"

ctx="$E2E_WORK/ctx"
mkdir -p "$ctx"
printf 'from the context\n' >"$ctx/caf$(printf '\xc3\xa9').txt"
cat >"$ctx/Dockerfile" <<'DOCKERFILE'
FROM nonascii-base:latest
COPY café.txt /copied-café.txt
RUN touch "/f$(printf '\303\251').txt" && ln -s "/t$(printf '\303\251')rget" /link && \
    touch "/x$(printf '\377')" && ln "/f$(printf '\303\251').txt" "/h$(printf '\303\251')"
DOCKERFILE

"$MYBUILD" build --progress plain -o type=tar,dest=out.tar "$ctx" >/dev/null 2>"$E2E_WORK/build.log" \
  || { cat "$E2E_WORK/build.log"; fail "build with non-ASCII names, -o type=tar"; }
pass "RUN and COPY with non-ASCII names build under LC_ALL=C"
"$MYBUILD" build --progress plain -o type=local,dest=out "$ctx" >/dev/null 2>"$E2E_WORK/build.log" \
  || { cat "$E2E_WORK/build.log"; fail "build with non-ASCII names, -o type=local"; }

listing=$(tar --quoting-style=literal -tf out.tar 2>/dev/null | sed 's|^\./||')
expect_name() {  # expect_name BYTES WHAT: BYTES (printf format) is a name in out.tar and in out/
  local name
  name=$(printf "$1")
  grep -qxF -- "$name" <<<"$listing" || fail "$2: [$name] not in the type=tar output"
  [ -e "out/$name" ] || [ -L "out/$name" ] || fail "$2: [$name] not in the type=local output"
  pass "$2"
}
expect_name 'f\303\251.txt' "RUN's f\\303\\251.txt"
expect_name 'x\377' "RUN's non-UTF-8 name x\\377"
expect_name 'h\303\251' "RUN's hardlink h\\303\\251"
expect_name 'copied-caf\303\251.txt' "COPY of a context file with a non-ASCII name"
expect_name 'etc/ssl/certs/NetLock_\305\221.pem' "imported symlink with a non-ASCII name"
expect_name 'imported-\377' "imported non-UTF-8 name"

assert_eq "$(printf '/t\303\251rget')" "$(readlink out/link)" "the symlink target is byte-identical (local)"
assert_eq "$(printf 'F\305\221tan\303\272s\303\255tv\303\241ny.crt')" \
  "$(readlink "out/etc/ssl/certs/NetLock_$(printf '\305\221').pem")" "the imported symlink target (local)"
assert_eq "from the context" "$(cat "out/copied-caf$(printf '\303\251').txt")" "COPY content"
assert_eq "$(stat -c %i "out/f$(printf '\303\251').txt")" "$(stat -c %i "out/h$(printf '\303\251')")" \
  "the hardlink is a hardlink (local)"
tar_link=$(tar --quoting-style=literal -tvf out.tar 2>/dev/null | grep -F -- ' link -> ' | sed 's/.* -> //')
assert_eq "$(printf '/t\303\251rget')" "$tar_link" "the symlink target is byte-identical (tar)"

# Same bytes from a second build: the layers do not depend on anything but the inputs.
"$MYBUILD" build --progress plain -o type=tar,dest=again.tar "$ctx" >/dev/null 2>"$E2E_WORK/build.log" \
  || { cat "$E2E_WORK/build.log"; fail "second build"; }
assert_eq "$(sha256sum <out.tar | cut -d' ' -f1)" "$(sha256sum <again.tar | cut -d' ' -f1)" \
  "type=tar output is deterministic"

# names_in_tar TAR: the entry names of TAR, one a line, without a leading ./
names_in_tar() { tar --quoting-style=literal -tf "$1" 2>/dev/null | sed 's|^\./||'; }
# expect_names_in TAR WHAT BYTES…: each BYTES (printf format) is an entry of TAR
expect_names_in() {
  local tar=$1 what=$2 names
  shift 2
  names=$(names_in_tar "$tar")
  for bytes in "$@"; do
    grep -qxF -- "$(printf "$bytes")" <<<"$names" || fail "$what: [$(printf "$bytes")] not in $tar"
  done
  pass "$what keeps the non-ASCII and non-UTF-8 names"
}
from_image() {  # from_image ROOT IMAGE TAR: the filesystem of IMAGE in store ROOT, as a tar
  mkdir -p "$E2E_WORK/from-$1"
  printf 'FROM %s\n' "$2" >"$E2E_WORK/from-$1/Dockerfile"
  "$MYBUILD" --root "$E2E_WORK/$1" build --progress plain -o "type=tar,dest=$3" "$E2E_WORK/from-$1" >/dev/null \
    2>"$E2E_WORK/from.log" || { cat "$E2E_WORK/from.log"; fail "FROM $2 in root $1"; }
}
built_names=('f\303\251.txt' 'x\377' 'h\303\251' 'copied-caf\303\251.txt' 'etc/ssl/certs/NetLock_\305\221.pem' 'imported-\377')

# save + load into a fresh root.
"$MYBUILD" build --progress plain -t nonascii:built "$ctx" >/dev/null 2>"$E2E_WORK/build.log" \
  || { cat "$E2E_WORK/build.log"; fail "build -t nonascii:built"; }
"$MYBUILD" save -o saved.tar nonascii:built || fail "save"
"$MYBUILD" --root "$E2E_WORK/loaded" load -i saved.tar >/dev/null || fail "load into a fresh root"
from_image loaded nonascii:built loaded.tar
expect_names_in loaded.tar "save + load" "${built_names[@]}"

# ADD of archives: GNU format (raw bytes) and PAX (UTF-8 path records, written by python's tarfile).
mkdir -p "$ctx/tree"
printf 'gnu\n' >"$ctx/tree/gnu-$(printf '\303\251')"
printf 'raw\n' >"$ctx/tree/gnu-$(printf '\377')"
ln -s "t$(printf '\303\251')rget" "$ctx/tree/gnu-link"
tar --format=gnu -C "$ctx/tree" -cf "$ctx/gnu.tar" .
rm -rf "$ctx/tree"
python3 - "$ctx/pax.tar" <<'PY'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w", format=tarfile.PAX_FORMAT, encoding="utf-8") as tar:
    data = b"pax\n"
    info = tarfile.TarInfo("pax-\u0151.txt"); info.size = len(data)
    tar.addfile(info, io.BytesIO(data))
    link = tarfile.TarInfo("pax-link"); link.type = tarfile.SYMTYPE; link.linkname = "pax-\u0151.txt"
    tar.addfile(link)
PY
printf 'FROM nonascii-base:latest\nADD gnu.tar /gnu/\nADD pax.tar /pax/\n' >"$ctx/Dockerfile.add"
"$MYBUILD" build --progress plain -f "$ctx/Dockerfile.add" -o type=tar,dest=added.tar "$ctx" >/dev/null \
  2>"$E2E_WORK/build.log" || { cat "$E2E_WORK/build.log"; fail "ADD of GNU and PAX archives with non-ASCII names"; }
expect_names_in added.tar "ADD of a GNU and a PAX archive" 'gnu/gnu-\303\251' 'gnu/gnu-\377' 'pax/pax-\305\221.txt'
assert_eq "$(printf 't\303\251rget')" \
  "$(tar --quoting-style=literal -tvf added.tar 2>/dev/null | grep -F ' gnu/gnu-link -> ' | sed 's/.* -> //')" \
  "ADD keeps a GNU archive's non-ASCII link target"
assert_eq "$(printf 'pax-\305\221.txt')" \
  "$(tar --quoting-style=literal -tvf added.tar 2>/dev/null | grep -F ' pax/pax-link -> ' | sed 's/.* -> //')" \
  "ADD keeps a PAX archive's non-ASCII link target"

# --cache-to, then --cache-from in a fresh root (the base imported there too): the layers come from the cache.
"$MYBUILD" build --progress plain --cache-to type=local,dest=cache,mode=max -o type=tar,dest=cached-src.tar "$ctx" \
  >/dev/null 2>"$E2E_WORK/build.log" || { cat "$E2E_WORK/build.log"; fail "build --cache-to"; }
"$MYBUILD" --root "$E2E_WORK/fresh" import "$rootfs" nonascii-base:latest >/dev/null || fail "import into a fresh root"
"$MYBUILD" --root "$E2E_WORK/fresh" build --progress plain --cache-from type=local,src=cache \
  -o type=tar,dest=from-cache.tar "$ctx" >/dev/null 2>"$E2E_WORK/cache.log" \
  || { cat "$E2E_WORK/cache.log"; fail "build --cache-from in a fresh root"; }
[[ "$(build_summary_in "$E2E_WORK/cache.log")" =~ \ 0\ ran, ]] ||
  fail "the fresh root takes every step from the cache: $(build_summary_in "$E2E_WORK/cache.log")"
expect_names_in from-cache.tar "a cache exported and imported" "${built_names[@]}"

# push + pull through a local registry.
if [ -x /usr/bin/docker-registry ]; then
  source "$(dirname "$MYBUILD_E2E_LIB")/registry.bash"
  start_registry nonascii
  "$MYBUILD" tag nonascii:built "$REGISTRY/nonascii:1" || fail "tag for the registry"
  "$MYBUILD" push "$REGISTRY/nonascii:1" >/dev/null 2>"$E2E_WORK/push.log" || { cat "$E2E_WORK/push.log"; fail "push"; }
  "$MYBUILD" --root "$E2E_WORK/pulled" pull "$REGISTRY/nonascii:1" >/dev/null 2>"$E2E_WORK/pull.log" \
    || { cat "$E2E_WORK/pull.log"; fail "pull into a fresh root"; }
  from_image pulled "$REGISTRY/nonascii:1" pulled.tar
  expect_names_in pulled.tar "push + pull" "${built_names[@]}"
else
  echo "skipped: push + pull of non-ASCII names: docker-registry is not installed"
fi

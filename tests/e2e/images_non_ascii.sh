#!/usr/bin/env bash
# Issue 10, point 1: file names and link targets are bytes. Under the C locale, a RUN creating `f\xc3\xa9.txt`,
# a symlink with a non-ASCII target, a name that is not UTF-8 (0xff) and a hardlink, a COPY of a context
# file with a non-ASCII name, and an `import` of a rootfs holding such names all build; `-o type=tar` and
# `-o type=local` give back the same bytes (GNU tar -t with literal quoting, readlink, byte for byte).
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

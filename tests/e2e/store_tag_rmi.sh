#!/usr/bin/env bash
# `mybuild tag` and `mybuild rmi`: names point at images; rmi removes names (by name, or all of an ID's
# names with --force); unknown names are errors.
source "$MYBUILD_E2E_LIB"
cd "$E2E_WORK"
export SOURCE_DATE_EPOCH=1700000000

make_busybox_rootfs rootfs
digest=$("$MYBUILD" import rootfs busybox)
"$MYBUILD" tag busybox me/app:1.0
"$MYBUILD" tag docker.io/library/busybox:latest localhost:5000/bb
tags=$("$MYBUILD" images | awk 'NR > 1 {print $1 ":" $2}' | sort | tr '\n' ' ')
assert_eq "busybox:latest localhost:5000/bb:latest me/app:1.0 " "$tags" "tag adds names (short and full forms are one name)"
id=$("$MYBUILD" images -q)
assert_eq 1 "$(wc -l <<<"$id")" "three names, one image ID"
"$MYBUILD" tag "${id:0:8}" by-id:prefix
"$MYBUILD" tag "$digest" by-digest:full
assert_eq 5 "$("$MYBUILD" images | tail -n +2 | wc -l)" "tag by ID prefix and by manifest digest"

assert_eq "Untagged: me/app:1.0" "$("$MYBUILD" rmi me/app:1.0)" "rmi prints what it untagged"
assert_eq 4 "$("$MYBUILD" images | tail -n +2 | wc -l)" "rmi removes one name"
"$MYBUILD" images | grep '^busybox ' >/dev/null || fail "the other names stay"
pass "other names stay"

set +e
err=$("$MYBUILD" rmi me/app:1.0 2>&1); code=$?
assert_eq 1 "$code" "rmi of an unknown name exits 1"
assert_contains "$err" "no such image: me/app:1.0" "the error names the image"
err=$("$MYBUILD" rmi "$id" 2>&1); code=$?
assert_eq 1 "$code" "rmi of an ID with several names needs --force"
assert_contains "$err" "--force" "the error says how"
out=$("$MYBUILD" rmi nope busybox 2>&1); code=$?
assert_eq 1 "$code" "rmi continues past an unknown name but exits 1"
assert_contains "$out" "Untagged: busybox:latest" "the known name was removed"
err=$("$MYBUILD" tag no-such-image x:1 2>&1); code=$?
assert_eq 1 "$code" "tag of an unknown source exits 1"
err=$("$MYBUILD" tag localhost:5000/bb "x@sha256:$(printf '%064d' 0)" 2>&1); code=$?
assert_eq 1 "$code" "a tag with a digest is refused"
err=$("$MYBUILD" tag localhost:5000/bb 'UPPER/case' 2>&1); code=$?
assert_eq 1 "$code" "an invalid target name exits 1"
"$MYBUILD" tag localhost:5000/bb >/dev/null 2>&1; code=$?
assert_eq 2 "$code" "tag with one argument is a usage error"
"$MYBUILD" rmi >/dev/null 2>&1; code=$?
assert_eq 2 "$code" "rmi without arguments is a usage error"
set -e

out=$("$MYBUILD" rmi --force "$id")
assert_contains "$out" "Untagged: localhost:5000/bb:latest" "rmi --force ID removes every name"
assert_eq "" "$("$MYBUILD" images -q)" "no images are left"

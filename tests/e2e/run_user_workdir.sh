#!/usr/bin/env bash
# USER (by name and by uid:gid) and WORKDIR are honoured by RUN.
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/run.bash"
require_root
cd "$E2E_WORK"
import_busybox run-base:latest

build_oci user "$MYBUILD_TESTDATA/run/user" >/dev/null
out=$(unpack user)/rootfs/out
assert_eq "1000" "$(cat "$out/by-name-uid")" "USER name: the uid from /etc/passwd"
assert_eq "1000" "$(cat "$out/by-name-gid")" "USER name: the primary gid from /etc/passwd"
assert_eq "50 1000" "$(tr ' ' '\n' <"$out/by-name-groups" | sort -n | tr '\n' ' ' | sed 's/ $//')" \
  "USER name: supplementary groups from /etc/group"
assert_eq "/home/user/work" "$(cat "$out/by-name-pwd")" "WORKDIR is the working directory of RUN"
assert_eq "1234" "$(cat "$out/numeric-uid")" "USER uid:gid: the uid"
assert_eq "50" "$(cat "$out/numeric-gid")" "USER uid:gid: the gid"
assert_eq "/home/user/work/sub" "$(cat "$out/numeric-pwd")" "a relative WORKDIR continues the previous one"
assert_eq "/" "$(cat "$out/numeric-home")" "HOME is / for a uid without a passwd entry"
assert_eq "1000:1000" "$(cat "$out/file-owner")" "files created by RUN belong to the USER"
assert_eq "0" "$(cat "$out/root-uid")" "USER root switches back"
config=$(oci_dir user)/blobs/sha256/$(manifest_of user | jq -r .config.digest | cut -d: -f2)
assert_eq "root" "$(jq -r .config.User "$config")" "the image config keeps the last USER"
assert_eq "/home/user/work/sub" "$(jq -r .config.WorkingDir "$config")" "the image config keeps the WORKDIR"

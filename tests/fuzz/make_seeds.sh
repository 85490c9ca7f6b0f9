#!/usr/bin/env bash
# Writes the seed inputs of one fuzz target into OUT_DIR, from the project's testdata/ and the
# third-party conformance data (../shared/conformance), so that no corpus is committed:
#   parser        every Dockerfile of the BuildKit parser cases, the real-world Dockerfiles, testdata/
#   shell_lexer   the words of BuildKit's envVarTest and wordsTest (settings byte 0: escape '\')
#   dockerignore  each .dockerignore of testdata/, followed by NUL and the NUL-separated files beside it
#   layer_apply   tars of the testdata/images/ folders (plain, gzip, padded to every size mod 4), small
#                 hostile tars of SECURITY.md's families (written with python3's tarfile) and the same
#                 families as entry lists (see layer_apply.cc)
#   oci_json      a Docker and an OCI manifest, an index, an image config
#   compose       each project of testdata/compose/ as compose.yaml NUL common.yaml NUL .env NUL
#                 compose.override.yaml (see compose.cc): its main file, its first other YAML file (the
#                 main file's references to it renamed common.yaml), its .env, its override file
# Usage: make_seeds.sh TARGET OUT_DIR. Environment: MYBUILD_TESTDATA, MYBUILD_CONFORMANCE (defaults:
# testdata/ of this checkout and ../shared/conformance beside it). Absent conformance data is said, not fatal.
set -euo pipefail

target=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
testdata=${MYBUILD_TESTDATA:-$here/../../testdata}
conformance=${MYBUILD_CONFORMANCE:-$here/../../../shared/conformance}
mkdir -p "$out"

have_conformance() {
  if [ -d "$conformance" ]; then return 0; fi
  echo "make_seeds: no conformance data at $conformance: $target seeds come from testdata/ only" >&2
  return 1
}

# copy_flat FILE...: copies each file into $out under a name made of its path.
copy_flat() {
  local file
  for file in "$@"; do
    cp "$file" "$out/$(echo "${file#"$testdata"/}" | tr '/' '_')"
  done
}

case "$target" in
  parser)
    mapfile -t files < <(find "$testdata" -type f -name '*Dockerfile*')
    copy_flat "${files[@]}"
    if have_conformance; then
      mapfile -t files < <(find "$conformance/buildkit-parser/frontend/dockerfile/parser" -type f -name Dockerfile;
                           find "$conformance/realworld" -type f ! -name INDEX.tsv)
      index=0
      for file in "${files[@]}"; do
        cp "$file" "$out/conformance-$index"
        index=$((index + 1))
      done
    fi
    ;;
  shell_lexer)
    if have_conformance; then
      shell_dir=$conformance/buildkit-parser/frontend/dockerfile/shell
      index=0
      # envVarTest: "platform | word | expected"; wordsTest: "word | expected" (ENV lines skipped).
      while IFS= read -r word; do
        printf '\0%s' "$word" >"$out/envVarTest-$index"
        index=$((index + 1))
      done < <(grep -v '^#' "$shell_dir/envVarTest" | awk -F'|' 'NF == 3 { gsub(/^[ \t]+|[ \t]+$/, "", $2); print $2 }')
      while IFS= read -r word; do
        printf '\0%s' "$word" >"$out/wordsTest-$index"
        index=$((index + 1))
      done < <(grep -v -e '^#' -e '^ENV ' "$shell_dir/wordsTest" | awk -F'|' 'NF == 2 { gsub(/^[ \t]+|[ \t]+$/, "", $1); print $1 }')
    fi
    printf '\0%s' '${PWD:-x}/${NULL:+y}${SHELL#b}${SHELL%%h}${KOREAN/한/x}' >"$out/modifiers"
    printf '\1%s' '`$PWD "a`"b" '"'"'c'"'"'`' >"$out/backtick"
    printf '\0%s\0%s' $'A=1 2\nB=' 'x${A}y"${B-z}"$C' >"$out/extra-env"
    ;;
  dockerignore)
    index=0
    while IFS= read -r -d '' ignore_file; do
      dir=$(dirname "$ignore_file")
      {
        cat "$ignore_file"
        (cd "$dir" && find . -mindepth 1 -printf '%P\0')
      } >"$out/dockerignore-$index"
      index=$((index + 1))
    done < <(find "$testdata" -type f \( -name .dockerignore -o -name '*.dockerignore' \) -print0)
    printf '%s\0%s\0%s\0%s' $'**/*.go\n!a/**/keep.go\n[a-c]?/x\n\\*' 'a/b/keep.go' 'b1/x/y' '*' >"$out/classes"
    ;;
  layer_apply)
    index=0
    for dir in "$testdata"/images/*/; do
      tar --sort=name --owner=0 --group=0 --numeric-owner -C "$dir" -cf "$out/images-$index.tar" .
      gzip -9 -n -c "$out/images-$index.tar" >"$out/images-$index.tar.gz"
      for pad in 1 2 3; do
        { cat "$out/images-$index.tar"; head -c "$pad" /dev/zero; } >"$out/images-$index-pad$pad.tar"
      done
      index=$((index + 1))
    done
    python3 - "$out" <<'PY'
import io, sys, tarfile
out = sys.argv[1]

def entry(name, kind=tarfile.REGTYPE, data=b"", link="", mode=0o644, **extra):
    info = tarfile.TarInfo(name)
    info.type, info.mode, info.linkname, info.size = kind, mode, link, len(data)
    for key, value in extra.items():
        setattr(info, key, value)
    return info, data

cases = {
    "dotdot": [entry("../x", data=b"PWNED")],
    "symlink-escape": [entry("l", tarfile.SYMTYPE, link="../outside"), entry("l/marker", data=b"PWNED")],
    "symlink-root": [entry("d", tarfile.SYMTYPE, link="/"), entry("d/outside/new", data=b"PWNED")],
    "hardlink-outside": [entry("h", tarfile.LNKTYPE, link="../outside/marker")],
    "dir-then-symlink": [entry("a", tarfile.DIRTYPE, mode=0o755), entry("a", tarfile.SYMTYPE, link=".."),
                         entry("a/x", data=b"PWNED")],
    "whiteouts": [entry("d/f", data=b"1"), entry("d/.wh.f"), entry("e/.wh..wh..opq"), entry("e/g", data=b"2"),
                  entry(".wh..wh.plnk"), entry("x/.wh.")],
    "devices": [entry("dev/null", tarfile.CHRTYPE, mode=0o666, devmajor=1, devminor=3),
                entry("dev/fifo", tarfile.FIFOTYPE), entry("dev/blk", tarfile.BLKTYPE, devmajor=8, devminor=0)],
    "modes-owners": [entry("s", data=b"#!/bin/sh\n", mode=0o4755, uid=4294967294, gid=7),
                     entry("bin", tarfile.SYMTYPE, link="usr/bin"), entry("usr/bin/sh", data=b"x"),
                     entry("var/run", tarfile.SYMTYPE, link="/run"), entry("var/run/pid", data=b"1")],
}
# Padding after the end marker picks the target's mode (size % 4): pax in modes 0 and 3, GNU in mode 1.
for name, entries in cases.items():
    for fmt, suffix, pad in ((tarfile.PAX_FORMAT, "pax", 0), (tarfile.GNU_FORMAT, "gnu", 1), (tarfile.PAX_FORMAT, "pax", 3)):
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w", format=fmt) as archive:
            for info, data in entries:
                archive.addfile(info, io.BytesIO(data))
        with open(f"{out}/hostile-{name}-{suffix}-pad{pad}.tar", "wb") as f:
            f.write(buffer.getvalue() + bytes(pad))
PY
    # Entry lists ('!' first, see layer_apply.cc), padded like the tars to cover every mode.
    lists=(
      $'!2l\t../outside\n0l/marker\tPWNED'
      $'!2d\t/\n0d/outside/new\tPWNED\n2e\t../../..\n0e/x\tPWNED'
      $'!1h\t../outside/marker\n2s\t../outside/marker\n1t\ts'
      $'!5a\n2a\t..\n0a/x\tPWNED\n5b\n0b/f\tx\n2b\t/outside'
      $'!0d/f\t1\n0d/.wh.f\n0e/.wh..wh..opq\n0e/g\t2\n0.wh..wh.plnk\n0x/.wh.\n0x/.wh..\n2w\td\n0w/.wh.f'
      $'!3dev/null\n4dev/sda\n6dev/fifo\n0../x\tPWNED'
      $'!2bin\tusr/bin\n0usr/bin/sh\tx\n2var/run\t/run\n0var/run/pid\t1\n1bin/link\tusr/bin/sh'
    )
    for index in "${!lists[@]}"; do
      for pad in 0 1 2 3; do
        { printf '%s' "${lists[$index]}"; head -c "$pad" /dev/zero | tr '\0' '\n'; } >"$out/list-$index-$pad"
      done
    done
    ;;
  oci_json)
    digest=sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
    cat >"$out/oci-manifest.json" <<JSON
{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"$digest","size":2},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"$digest","size":0,"annotations":{"a":"b"},"urls":["http://127.0.0.1/x"]}],"annotations":{"org.opencontainers.image.created":"2024-01-02T03:04:05Z"}}
JSON
    cat >"$out/docker-manifest.json" <<JSON
{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":7023,"digest":"$digest"},"layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":32654,"digest":"$digest"}]}
JSON
    cat >"$out/oci-index.json" <<JSON
{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"$digest","size":7143,"platform":{"architecture":"arm64","os":"linux","variant":"v8","os.version":"1","os.features":["x"]},"annotations":{"org.opencontainers.image.ref.name":"latest"}},{"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json","digest":"$digest","size":1}]}
JSON
    cat >"$out/image-config.json" <<JSON
{"architecture":"amd64","os":"linux","variant":"v2","created":"2024-01-02T03:04:05Z","author":"me","config":{"User":"1000:1000","ExposedPorts":{"80/tcp":{},"53/udp":{}},"Env":["PATH=/usr/bin","A=b=c"],"Entrypoint":["/bin/sh","-c"],"Cmd":[],"Volumes":{"/data":{}},"WorkingDir":"/app","Labels":{"k":"v"},"StopSignal":"SIGTERM","Shell":["/bin/bash","-c"],"Healthcheck":{"Test":["CMD-SHELL","true"],"Interval":30000000000,"Timeout":1,"StartPeriod":2,"StartInterval":3,"Retries":3},"OnBuild":["RUN x"],"ArgsEscaped":true},"rootfs":{"type":"layers","diff_ids":["$digest"]},"history":[{"created":"2024-01-02T03:04:05Z","created_by":"RUN x","empty_layer":true,"comment":"c","author":"a"}]}
JSON
    ;;
  compose)
    python3 - "$testdata/compose" "$out" <<'PY'
import os, sys
root, out = sys.argv[1], sys.argv[2]
mains = ("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml", "files/compose.yaml")
for case in sorted(os.listdir(root)):
    dir = os.path.join(root, case)
    main = next((m for m in mains if os.path.isfile(os.path.join(dir, m))), None)
    if main is None:
        continue
    read = lambda rel: open(os.path.join(dir, rel), "rb").read() if os.path.isfile(os.path.join(dir, rel)) else b""
    text = read(main)
    others = sorted(os.path.relpath(os.path.join(d, f), dir) for d, _, fs in os.walk(dir) for f in fs
                    if f.endswith((".yaml", ".yml")) and os.path.relpath(os.path.join(d, f), dir) not in (main, "compose.override.yaml"))
    other = b""
    if others:
        other = read(others[0])
        text = text.replace(others[0].encode(), b"common.yaml")
    with open(os.path.join(out, case), "wb") as f:
        f.write(b"\0".join((text, other, read(".env"), read("compose.override.yaml"))))
PY
    printf '%s\0%s\0%s' $'services:\n  a:\n    extends: {file: common.yaml, service: b}\n    image: ${A:?no}:${TAG:-x}\ninclude: [common.yaml]\n' \
      $'services:\n  b:\n    build: {context: ., args: [X=$$Y]}\n    profiles: [p]\n' $'COMPOSE_PROFILES=p\nY=${A}2\n' >"$out/extends-include"
    ;;
  *)
    echo "make_seeds: unknown target $target" >&2
    exit 2
    ;;
esac
echo "make_seeds: $target: $(find "$out" -type f | wc -l) seeds in $out" >&2

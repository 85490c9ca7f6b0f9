# The generated workloads of bench/run.sh: make_wN writes workload N's context to $work/wN (and returns 1,
# the reason on stderr, when it cannot). Needs: $work, $mybuild (workloads 5 and 10 keep the Debian rootfs
# in the binary's build tree, as the tests do) and bench/lib.sh.

make_w1() {  # two independent stages of ~2 s each, and a final stage copying from both
  local d="$work/w1"; mkdir -p "$d"
  cat >"$d/Dockerfile" <<'DOCKERFILE'
FROM bench-base:latest AS left
RUN sleep 2 && echo left >/left.txt
FROM bench-base:latest AS right
RUN sleep 2 && echo right >/right.txt
FROM bench-base:latest
COPY --from=left /left.txt /out/
COPY --from=right /right.txt /out/
DOCKERFILE
  sed -i 's/bench-base:latest/localhost\/bench-base:latest/' "$d/Dockerfile"
}
make_w2() {  # one COPY of 8,000 text files, 200 MB
  local d="$work/w2"; mkdir -p "$d"
  make_text_tree "$d/data"
  printf 'FROM localhost/bench-base:latest\nCOPY data /data\n' >"$d/Dockerfile"
}
make_w3() {  # base / COPY deps / RUN / COPY src / RUN
  local d="$work/w3"; mkdir -p "$d/deps" "$d/src"
  for i in $(seq 1 50); do head -c 20000 /dev/zero | tr '\0' 'd' >"$d/deps/dep$i.txt"; done
  for i in $(seq 1 20); do echo "int f$i(void) { return $i; }" >"$d/src/f$i.c"; done
  echo 'int main(void) { return 0; }' >"$d/src/main.c"
  cat >"$d/Dockerfile" <<'DOCKERFILE'
FROM localhost/bench-base:latest
COPY deps /deps
RUN cat /deps/* | wc -c >/deps.count && sleep 1
COPY src /src
RUN ls /src | wc -l >/src.count && sleep 1
DOCKERFILE
}
make_w4() {  # 50 small RUN steps
  local d="$work/w4"; mkdir -p "$d"
  { echo "FROM localhost/bench-base:latest"; for i in $(seq 1 50); do echo "RUN echo $i >/step$i"; done; } >"$d/Dockerfile"
}
make_w5() {  # a Debian bookworm base with dpkg-level work inside the step (no network in the step)
  # the same cached rootfs as the tests' (scripts/debian_rootfs.bash), in the build tree of the binary
  bookworm=$(debian_rootfs "$(dirname "$(dirname "$mybuild")")/debootstrap-cache" bookworm) ||
    { echo "bench: no Debian bookworm rootfs, workload 5 skipped" >&2; return 1; }
  local d="$work/w5"; mkdir -p "$d"
  cat >"$d/Dockerfile" <<'DOCKERFILE'
FROM localhost/bench-base:latest
RUN dpkg -l >/packages.txt && dpkg -L coreutils | xargs -r ls -ld >/coreutils-files.txt 2>/dev/null; \
    mkdir -p /opt/gen && for i in $(seq 1 2000); do echo "$i" >/opt/gen/f$i; done && dpkg --audit
DOCKERFILE
}

make_w10() {  # a Debian bookworm base and `apt-get install build-essential` (network: the Debian archive)
  bookworm=$(debian_rootfs "$(dirname "$(dirname "$mybuild")")/debootstrap-cache" bookworm) ||
    { echo "bench: no Debian bookworm rootfs, workload 10 skipped" >&2; return 1; }
  curl -fsS -o /dev/null --max-time 10 http://deb.debian.org/debian/dists/bookworm/Release ||
    { echo "bench: the Debian archive cannot be reached, workload 10 skipped" >&2; return 1; }
  local d="$work/w10"; mkdir -p "$d"
  cat >"$d/Dockerfile" <<'DOCKERFILE'
FROM localhost/bench-base:latest
RUN apt-get update && apt-get install -y build-essential
DOCKERFILE
}
w11_awk() {  # w11_awk ROOT: the awk program of workload 11, writing below ROOT/gen
  cat <<AWK
BEGIN { line = "the quick brown fox jumps over the lazy dog 0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ"; \\
      for (f = 0; f < 10000; f++) { \\
        if (f % 100 == 0) system("mkdir -p $1/gen/d" int(f / 100)); \\
        file = sprintf("$1/gen/d%d/f%05d", int(f / 100), f); \\
        for (l = 0; l < 260; l++) printf "%05d %03d %s\\n", f, l, line > file; \\
        close(file) } }
AWK
}
make_w11() {  # one RUN writing 250 MB of text in 10,000 files (100 directories), no network
  local d="$work/w11"; mkdir -p "$d"
  printf 'FROM localhost/bench-base:latest\nRUN awk '"'"'%s'"'"' && echo written\n' "$(w11_awk "")" >"$d/Dockerfile"
}
make_w11_tree() {  # make_w11_tree DIR: the same files on the host, in DIR/gen (for the commit pipelines)
  mkdir -p "$1"
  awk "$(w11_awk "$1" | sed 's/\\$//')"
}
make_w12() {  # a stage making a 3,000-file directory, COPY --from of it, then a RUN over the copy
  local d="$work/w12"; mkdir -p "$d"
  cat >"$d/Dockerfile" <<'DOCKERFILE'
FROM localhost/bench-base:latest AS gen
RUN awk 'BEGIN { for (f = 0; f < 3000; f++) { \
        if (f % 100 == 0) system("mkdir -p /gen/d" int(f / 100)); \
        file = sprintf("/gen/d%d/f%05d", int(f / 100), f); \
        for (l = 0; l < 40; l++) printf "%05d %03d generated content of the stage\n", f, l > file; \
        close(file) } }' && echo written
FROM localhost/bench-base:latest
COPY --from=gen /gen /app
RUN find /app -type f | wc -l >/app.count
DOCKERFILE
}
make_w13() {  # issue 19's held-out workload: COPY of 8,000 files / 200 MB, then ENV and WORKDIR into it
  local d="$work/w13"; mkdir -p "$d"
  make_text_tree "$d/app"
  printf 'FROM localhost/bench-base:latest\nCOPY app /app\nENV APP_HOME=/app\nWORKDIR /app\n' >"$d/Dockerfile"
}

# Shared helpers for the benchmarks: timing whole processes with /usr/bin/time -v.
# measure NAME RUNS CMD...: runs CMD RUNS times (after one warm-up), prints
#   NAME  median_s  min_s  max_s  peak_rss_mb(median)
# and appends the same row, tab-separated, to $BENCH_ROWS when set.

bench_time() {  # bench_time CMD... → "wall_seconds peak_kb" of one run
  local out
  out=$(mktemp)
  /usr/bin/time -f "%e %M" -o "$out" "$@" >/dev/null 2>&1 || { echo "bench: command failed: $*" >&2; }
  cat "$out"
  rm -f "$out"
}

median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }

measure() {
  local name=$1 runs=$2
  shift 2
  bench_time "$@" >/dev/null  # warm-up
  local walls=() rss=()
  for ((i = 0; i < runs; i++)); do
    read -r wall kb < <(bench_time "$@")
    walls+=("$wall")
    rss+=("$kb")
  done
  local med min max rss_med
  med=$(printf '%s\n' "${walls[@]}" | median)
  min=$(printf '%s\n' "${walls[@]}" | sort -n | head -1)
  max=$(printf '%s\n' "${walls[@]}" | sort -n | tail -1)
  rss_med=$(printf '%s\n' "${rss[@]}" | median | awk '{printf "%.1f", $1/1024}')
  printf '%-40s median %6.3fs  min %6.3fs  max %6.3fs  peak RSS %7s MB\n' "$name" "$med" "$min" "$max" "$rss_med"
  [ -n "${BENCH_ROWS:-}" ] && printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$med" "$min" "$max" "$rss_med" >>"$BENCH_ROWS"
  return 0
}

machine_description() {
  echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores;" \
       "kernel $(uname -r); memory $(free -g | awk '/Mem:/ {print $2}') GiB"
}

find_realworld_dockerfiles() {  # sets `realworld` to the conformance suite's real-world Dockerfiles (from $here)
  local conformance=${MYBUILD_CONFORMANCE:-$here/../../shared/conformance}
  mapfile -t realworld < <(find "$conformance/realworld" -type f -name '*Dockerfile*' | sort)
  [ "${#realworld[@]}" -gt 0 ] || { echo "bench: no real-world Dockerfiles under $conformance" >&2; exit 1; }
}

make_text_tree() {  # make_text_tree DIR: 8,000 text files of 300 lines (200 MB) in 40 directories
  mkdir -p "$1"
  awk -v dir="$1" 'BEGIN {
    line = "the quick brown fox jumps over the lazy dog 0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    for (f = 0; f < 8000; f++) {
      sub_dir = sprintf("%s/d%02d", dir, f % 40)
      if (f < 40) system("mkdir -p " sub_dir)
      file = sprintf("%s/file%05d.txt", sub_dir, f)
      for (l = 0; l < 300; l++) printf "%05d %03d %s\n", f, l, line > file
      close(file)
    }
  }'
}

# make_edit_project WORK: the project of workloads 8 and 9 under WORK: a busybox rootfs WORK/base (to import
# as localhost/edit-base:latest) and the context WORK/ctx: base / COPY deps (make_text_tree) / RUN over them
# / COPY src (21 small files) / RUN.
make_edit_project() {
  local work=$1 applet i
  mkdir -p "$work/base/bin" "$work/base/etc" "$work/base/tmp"
  cp /bin/busybox "$work/base/bin/busybox"
  for applet in $(/bin/busybox --list); do [ "$applet" = busybox ] || ln -sf busybox "$work/base/bin/$applet"; done
  printf 'root:x:0:0:root:/root:/bin/sh\n' >"$work/base/etc/passwd"
  make_text_tree "$work/ctx/deps"
  mkdir -p "$work/ctx/src"
  for i in $(seq 1 20); do echo "int f$i(void) { return $i; }" >"$work/ctx/src/f$i.c"; done
  echo 'int main(void) { return 0; }' >"$work/ctx/src/main.c"
  cat >"$work/ctx/Dockerfile" <<'DOCKERFILE'
FROM localhost/edit-base:latest
COPY deps /deps
RUN find /deps -type f | wc -l >/deps.count && cat /deps/d00/* | wc -c >/deps.bytes
COPY src /src
RUN cat /src/*.c | wc -c >/src.bytes
DOCKERFILE
}

# unmount_and_remove DIR: unmounts whatever a killed build left mounted below DIR, then removes it.
unmount_and_remove() {
  local m
  for m in $(awk -v w="$1" 'index($5, w) == 1 {print $5}' /proc/self/mountinfo | sort -r); do umount -l "$m" || true; done
  rm -rf "$1"
}

make_busybox_rootfs() {  # make_busybox_rootfs DIR: a minimal rootfs from Debian's busybox-static, root only
  local rootfs=$1 applet
  mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/tmp"
  cp /bin/busybox "$rootfs/bin/busybox"
  for applet in $(/bin/busybox --list); do [ "$applet" = busybox ] || ln -sf busybox "$rootfs/bin/$applet"; done
  printf 'root:x:0:0:root:/root:/bin/sh\n' >"$rootfs/etc/passwd"
  printf 'root:x:0:\n' >"$rootfs/etc/group"
}

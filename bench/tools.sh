# The three builders of bench/run.sh, each behind the same small interface (issue 19):
#   tool_reset TOOL STATE ROOTFS    fresh state with the base image localhost/bench-base:latest (untimed)
#   tool_build_cmd TOOL STATE CONTEXT FLOW OUT [PROGRESS]
#                                   prints a shell command that builds CONTEXT; FLOW "store" tags the
#                                   result in the tool's own store, FLOW "tar" also writes an image tarball
#                                   to OUT; PROGRESS "plain" keeps the step output (default: quiet)
#   tool_peak_reset TOOL / tool_peak_kb TOOL   the daemon's peak RSS around one build (BuildKit only)
# Buildah keeps its storage under STATE. BuildKit is the one inside Debian's dockerd (docker.io), started
# here on a private socket, data root and exec root, without iptables or a bridge, and stopped (and its
# directories removed) by buildkit_stop; its "fresh state" is `docker builder prune -af` plus `rmi` of the
# outputs, with the base image imported once per rootfs. "mybuild-rootless" is mybuild run as an ordinary
# user (issue 15), made by rootless_user_start for the run (subordinate ids from useradd, removed by
# rootless_user_stop). Needs: $work, $mybuild, $jobs.

buildah_in() {  # buildah_in STATE ARGS…: Buildah with its own storage under STATE
  buildah --root "$1/storage" --runroot "$1/run" --storage-driver overlay "${@:2}"
}

bk_dir=""
bk_base_rootfs=""  # the rootfs that localhost/bench-base:latest was imported from
docker_bin=/usr/bin/docker  # Debian's client; another `docker` earlier in PATH is not this daemon's
bk() { DOCKER_HOST="unix://$bk_dir/docker.sock" "$docker_bin" "$@"; }

buildkit_start() {  # starts the private dockerd; returns 1 (reason on stderr) when it cannot
  command -v dockerd >/dev/null 2>&1 || { echo "bench: dockerd not installed, BuildKit left out" >&2; return 1; }
  bk_dir="$work/buildkit"
  mkdir -p "$bk_dir"
  dockerd --iptables=false --ip-masq=false --bridge=none -H "unix://$bk_dir/docker.sock" \
    --data-root "$bk_dir/data" --exec-root "$bk_dir/exec" --pidfile "$bk_dir/docker.pid" \
    --storage-driver overlay2 >"$bk_dir/dockerd.log" 2>&1 &
  local i
  for i in $(seq 1 100); do
    bk version >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "bench: dockerd did not start (log: $bk_dir/dockerd.log)" >&2
  tail -5 "$bk_dir/dockerd.log" >&2
  return 1
}

buildkit_stop() {  # stops the private dockerd (by its pid file) and waits for it
  [ -n "$bk_dir" ] && [ -f "$bk_dir/docker.pid" ] || return 0
  local pid
  pid=$(cat "$bk_dir/docker.pid")
  kill "$pid" 2>/dev/null || true
  local i
  for i in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  rm -f "$bk_dir/docker.pid"
}

buildkit_version() { bk version --format '{{.Server.Version}}' 2>/dev/null; }

bench_user="" userdir=""
rootless_user_start() {  # makes the bench user for mybuild-rootless
  bench_user="mbbench$$"
  userdir="$work/user"
  chmod 755 "$work"
  useradd --create-home --home-dir "$userdir" --shell /bin/sh --user-group "$bench_user" >/dev/null
  grep -q "^$bench_user:" /etc/subuid || usermod --add-subuids 2000000-2065535 --add-subgids 2000000-2065535 "$bench_user"
}
rootless_user_stop() { [ -z "$bench_user" ] || userdel "$bench_user" 2>/dev/null || true; }
# as_bench_user: the words of a command line that runs what follows as the bench user.
as_bench_user() {
  echo "setpriv --reuid=$bench_user --regid=$bench_user --init-groups -- env -i HOME=$userdir PATH=/usr/bin:/bin"
}

tool_reset() {  # tool_reset TOOL STATE ROOTFS
  local tool=$1 state=$2 rootfs=$3
  case $tool in
    mybuild)
      rm -rf "$state"; mkdir -p "$state"
      "$mybuild" --root "$state" import "$rootfs" localhost/bench-base:latest >/dev/null ;;
    mybuild-rootless)
      # A tar with numeric owners: imported from a directory, root's files would read as the overflow id.
      rm -rf "$state"; mkdir -p "$state"; chown "$bench_user:" "$state"
      local tar="$work/base-$(basename "$rootfs").tar"
      [ -f "$tar" ] || tar --numeric-owner -C "$rootfs" -cf "$tar" .
      $(as_bench_user) "$mybuild" --root "$state" import "$tar" localhost/bench-base:latest >/dev/null ;;
    buildah)
      rm -rf "$state"; mkdir -p "$state"
      local c
      c=$(buildah_in "$state" from scratch)
      buildah_in "$state" copy "$c" "$rootfs/" / >/dev/null
      buildah_in "$state" commit -q "$c" localhost/bench-base:latest >/dev/null
      buildah_in "$state" rm "$c" >/dev/null ;;
    buildkit)
      bk rmi -f localhost/bench-out:latest >/dev/null 2>&1 || true
      bk builder prune -af >/dev/null
      if [ "$bk_base_rootfs" != "$rootfs" ]; then
        bk rmi -f localhost/bench-base:latest >/dev/null 2>&1 || true
        tar -C "$rootfs" -c . | bk import - localhost/bench-base:latest >/dev/null
        bk_base_rootfs=$rootfs
      fi
      bk image prune -f >/dev/null ;;
  esac
}

tool_build_cmd() {  # tool_build_cmd TOOL STATE CONTEXT FLOW OUT [PROGRESS]
  local tool=$1 state=$2 context=$3 flow=$4 out=$5 progress=${6:-quiet}
  case $tool in
    mybuild)
      local target="-t localhost/bench-out:latest"
      [ "$flow" = tar ] && target="-o type=oci,dest='$out'"
      echo "'$mybuild' --root '$state' build -j $jobs --progress $progress $target '$context'" ;;
    mybuild-rootless)  # the user writes the tarball below its home; root moves it to OUT
      local target="-t localhost/bench-out:latest" move=""
      [ "$flow" = tar ] && target="-o type=oci,dest='$userdir/out.tar'" move=" && mv '$userdir/out.tar' '$out'"
      echo "$(as_bench_user) '$mybuild' --root '$state' build -j $jobs --progress $progress $target '$context'$move" ;;
    buildah)
      local b="buildah --root '$state/storage' --runroot '$state/run' --storage-driver overlay"
      local quiet="-q" sink=">/dev/null"
      [ "$progress" = plain ] && quiet="" sink=""
      local cmd="$b bud $quiet --isolation chroot --layers --jobs $jobs -t localhost/bench-out:latest '$context' $sink"
      [ "$flow" = tar ] && cmd="$cmd && $b push -q localhost/bench-out:latest oci-archive:'$out'"
      echo "$cmd" ;;
    buildkit)
      # --network host: the daemon has no bridge (and RUN steps of the other two use the host's network)
      local cmd="DOCKER_BUILDKIT=1 DOCKER_HOST='unix://$bk_dir/docker.sock' $docker_bin build --network host"
      if [ "$progress" = plain ]; then cmd="$cmd --progress plain"; else cmd="$cmd -q"; fi
      cmd="$cmd -t localhost/bench-out:latest '$context'"
      [ "$progress" = plain ] || cmd="$cmd >/dev/null"
      [ "$flow" = tar ] && cmd="$cmd && DOCKER_HOST='unix://$bk_dir/docker.sock' $docker_bin save -o '$out' localhost/bench-out:latest"
      echo "$cmd" ;;
  esac
}

# The work of a BuildKit build happens in dockerd, not in the client that /usr/bin/time measures: its peak
# RSS is reset before the build (clear_refs 5) and read after it (VmHWM).
tool_peak_reset() {
  [ "$1" = buildkit ] || return 0
  echo 5 >"/proc/$(cat "$bk_dir/docker.pid")/clear_refs"
}
tool_peak_kb() {
  [ "$1" = buildkit ] || { echo 0; return 0; }
  awk '/^VmHWM:/ {print $2}' "/proc/$(cat "$bk_dir/docker.pid")/status"
}

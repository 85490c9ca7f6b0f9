#!/usr/bin/env bash
# A build killed with SIGKILL leaves nothing mounted in the host's mount namespace: its mounts live in a
# private mount namespace of its own, which the kernel tears down with it (issue 12.3). While it runs its
# mounts are not in the host's namespace either; the next build removes the killed build's scratch
# directory and builds normally. Both snapshotters.
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/solver.bash"
cd "$E2E_WORK"
import_busybox base:latest

# The slow step's command line carries a token of this run, so that looking for its process finds no
# other test's.
token=$(basename "$E2E_WORK")
mkdir ctx next
printf 'FROM base:latest\nRUN sleep 60 && echo slow-%s >/slow\n' "$token" >ctx/Dockerfile
printf 'FROM base:latest\nRUN echo next-%s >/next\n' "$token" >next/Dockerfile

# mounts_in PID DIR: the mount points at or below DIR in the mount namespace of process PID.
mounts_in() {
  awk -v d="$2" 'index($5, d) == 1 {print $5}' "/proc/$1/mountinfo" 2>/dev/null || true
}

for snapshotter in overlay native; do
  "$MYBUILD" build --progress rawjson --no-cache --snapshotter "$snapshotter" ctx >/dev/null 2>"killed-$snapshotter.json" &
  pid=$!
  for _ in $(seq 1 400); do
    pgrep -f "sleep 60 && echo slow-$token" >/dev/null && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  if ! pgrep -f "sleep 60 && echo slow-$token" >/dev/null; then
    wait "$pid" || true
    if [ "$snapshotter" = overlay ] && grep -q "overlayfs is not usable" "killed-$snapshotter.json"; then
      echo "skipped: overlay snapshotter: overlayfs is not usable here"
      continue
    fi
    cat "killed-$snapshotter.json" >&2
    fail "$snapshotter: the slow RUN starts"
  fi
  if [ "$snapshotter" = overlay ]; then
    [ -n "$(mounts_in "$pid" "$MYBUILD_ROOT")" ] || fail "overlay: the running build mounts its snapshots (in its own namespace)"
    pass "overlay: the running build has its snapshots mounted in its own namespace"
  fi
  no_mounts_under "$MYBUILD_ROOT" || fail "$snapshotter: the running build's mounts show in the host's namespace: $(mounts_under "$MYBUILD_ROOT")"
  pass "$snapshotter: the running build's mounts are not in the host's namespace"

  kill -KILL "$pid"
  wait "$pid" || true
  no_mounts_under "$MYBUILD_ROOT" || fail "$snapshotter: the killed build left mounts: $(mounts_under "$MYBUILD_ROOT")"
  pass "$snapshotter: a build killed mid-RUN leaves nothing mounted"
  [ -d "$MYBUILD_ROOT/tmp/build-$pid" ] || fail "$snapshotter: the killed build's scratch directory is there (the test kills it mid-build)"
  # The sandbox gets SIGKILL from its parent's death (PR_SET_PDEATHSIG); wait for it to be gone.
  for _ in $(seq 1 200); do pgrep -f "sleep 60 && echo slow-$token" >/dev/null || break; sleep 0.05; done
  pgrep -f "sleep 60 && echo slow-$token" >/dev/null && fail "$snapshotter: the killed build's RUN process is still alive"
  pass "$snapshotter: no sandbox process survives its build"

  build_json "next-$snapshotter.json" --no-cache --snapshotter "$snapshotter" next >/dev/null ||
    { cat "next-$snapshotter.json" >&2; fail "$snapshotter: a build after a killed one fails"; }
  pass "$snapshotter: the next build works"
  [ ! -e "$MYBUILD_ROOT/tmp/build-$pid" ] || fail "$snapshotter: the killed build's scratch directory is left"
  pass "$snapshotter: the next build removes the killed build's scratch directory"
  no_mounts_under "$MYBUILD_ROOT" || fail "$snapshotter: mounts left after the next build: $(mounts_under "$MYBUILD_ROOT")"
done

#!/usr/bin/env bash
# The demo: imports a static busybox (Debian's busybox-static) as the base image "demo-base:1.0",
# builds testdata/demo into an OCI tarball, prints the image ID, and runs the image as a container.
set -euo pipefail
cd "$(dirname "$0")/.."
mybuild=$(realpath "${1:-build/bin/mybuild}")
out=${DEMO_OUT:-build/demo}
export MYBUILD_ROOT=${MYBUILD_ROOT:-$PWD/$out/root}
mkdir -p "$out"

rootfs="$out/busybox-rootfs"
if [ ! -x "$rootfs/bin/busybox" ]; then
  mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/tmp"
  cp /bin/busybox "$rootfs/bin/busybox"
  for applet in $(/bin/busybox --list); do [ "$applet" = busybox ] || ln -sf busybox "$rootfs/bin/$applet"; done
  printf 'root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\n' >"$rootfs/etc/passwd"
  printf 'root:x:0:\nuser:x:1000:\n' >"$rootfs/etc/group"
fi
echo "== importing $rootfs as demo-base:1.0"
SOURCE_DATE_EPOCH=0 "$mybuild" import "$rootfs" demo-base:1.0
echo "== building testdata/demo"
SOURCE_DATE_EPOCH=1700000000 "$mybuild" build -t mybuild-demo:latest --progress plain \
  -o "type=oci,dest=$out/demo.oci.tar" testdata/demo
echo "== wrote $out/demo.oci.tar (image mybuild-demo:latest in $MYBUILD_ROOT)"
echo "== running it: mybuild run --rm mybuild-demo:latest"
"$mybuild" run --rm mybuild-demo:latest

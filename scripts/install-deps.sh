#!/usr/bin/env bash
# Installs the Debian packages that building and testing mybuild need. Does nothing when they are all
# present, so `make demo` and `make test` can call it every time. Needs root (or sudo) only to install.
set -euo pipefail

build_packages=(
  build-essential cmake pkg-config
  antlr4 libantlr4-runtime-dev
  libarchive-dev libssl-dev libtbb-dev libspdlog-dev libfmt-dev doctest-dev
  nlohmann-json3-dev libcli11-dev libzstd-dev zlib1g-dev libcurl4-openssl-dev libseccomp-dev
  libyaml-cpp-dev  # compose files (src/compose)
  busybox-static  # the base image of `make demo`
  git  # at run time: ADD <git repository> runs the host's git
)
test_packages=(busybox-static skopeo umoci runc jq zstd xz-utils bzip2 python3 debootstrap)  # debootstrap: tests/e2e/run_debian.sh; zstd xz-utils bzip2 python3: tests/e2e/images_*.sh; python3: run_secrets.sh
test_packages+=(curl ca-certificates)  # tests/e2e/lib/debian.bash: are the Debian archive, npm registry reachable; projects/node_npm: the host CA bundle
test_packages+=(docker-registry openssl)  # tests/e2e/registry_*.sh: a real registry on 127.0.0.1 (no service started)
fuzz_packages=(clang libclang-rt-dev)  # `make fuzz`: clang's libFuzzer and sanitizer runtimes (tests/fuzz)
test_packages+=(procps)  # pgrep: tests/e2e/container_*.sh, run_interrupt_tty.sh
test_packages+=(uidmap passwd util-linux)  # newuidmap/newgidmap, useradd/usermod, setpriv: tests/e2e/rootless_user.sh
bench_packages=(buildah skopeo busybox-static debootstrap time podman docker.io python3 curl)  # podman: bench/run_container.sh; docker.io: BuildKit in bench/run.sh (its own dockerd); python3: bench/stamp_lines.py

wanted=("${build_packages[@]}")
case "${1:-}" in
  --with-test-tools) wanted+=("${test_packages[@]}") ;;
  --with-fuzz-tools) wanted+=("${test_packages[@]}" "${fuzz_packages[@]}") ;;
  --with-bench-tools) wanted+=("${test_packages[@]}" "${bench_packages[@]}") ;;
  "") ;;
  *) echo "usage: $0 [--with-test-tools|--with-fuzz-tools|--with-bench-tools]" >&2; exit 2 ;;
esac

missing=()
for package in "${wanted[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  if [ "$status" != "install ok installed" ]; then
    missing+=("$package")
  fi
done
[ "${#missing[@]}" -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq </dev/null
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null >/dev/null

#!/bin/bash
# Prints facts about the system it runs on, one "key=value" per line.
set -euo pipefail
. /etc/os-release
echo "codename=${VERSION_CODENAME}"
echo "user=$(id -un) uid=$(id -u)"
echo "bash=${BASH_VERSINFO[0]}"
declare -A counts=()
for word in one two two three three three; do counts[$word]=$(( ${counts[$word]:-0} + 1 )); done
echo "counts=${counts[one]}${counts[two]}${counts[three]}"
echo "sha=$(printf abc | sha256sum | cut -c1-16)"
echo "ls=$(ls -d /usr/bin/dpkg)"

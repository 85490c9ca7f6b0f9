#!/bin/bash
# A tiny command-line tool: --greet NAME, or --self-test (run at build time).
set -euo pipefail
case "${1:-}" in
  --self-test) echo "self-test passed" ;;
  --greet) echo "tool v1 greets ${2:?name}, as $(id -un):$(id -gn) in $PWD; $(cat "$APP_HOME/self-test.txt")" ;;
  *) echo "usage: tool --greet NAME | --self-test" >&2; exit 2 ;;
esac

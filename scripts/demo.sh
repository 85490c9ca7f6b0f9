#!/usr/bin/env bash
# The demo: parse the example Dockerfile in testdata/ and print its AST.
set -euo pipefail
mybuild=${1:-build/bin/mybuild}
cd "$(dirname "$0")/.."
"$mybuild" parse -f testdata/demo/Dockerfile

#!/usr/bin/env bash
# Build checks benchmark (issue 18): the checks of every real-world Dockerfile in one process
# (`mybuild check FILE…`; target under 0.5 s), and for comparison one `mybuild build --check` process
# per file, as a CI job that checks each Dockerfile would run them.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mybuild=$(realpath "${1:-$here/../build/bin/mybuild}")
runs=${RUNS:-5}
source "$here/lib.sh"

find_realworld_dockerfiles
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# One process per file, with a root that does not exist (--check then opens no store).
printf '#!/usr/bin/env bash\nfor f in "$@"; do "%s" --root "%s/none" build --check -f "$f" "$(dirname "$f")" >/dev/null || exit 1; done\n' \
  "$mybuild" "$work" >"$work/each.sh"

echo "# build checks benchmark, $(date -u +%Y-%m-%d), $(machine_description)"
echo "# ${#realworld[@]} real-world files, $("$mybuild" check "${realworld[@]}" | tail -n 1)"
measure "check: ${#realworld[@]} files, one process" "$runs" "$mybuild" check "${realworld[@]}"
measure "build --check: one process per file" "$runs" bash "$work/each.sh" "${realworld[@]}"
# CPU time of the one-process run (wall time on a loaded machine is mostly waiting for a core).
/usr/bin/time -f "check: ${#realworld[@]} files, one process: CPU user %U s, sys %S s" "$mybuild" check "${realworld[@]}" 2>&1 >/dev/null | tail -n 1

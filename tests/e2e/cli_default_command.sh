#!/usr/bin/env bash
# `mybuild DIR` and `mybuild -f FILE DIR` are `mybuild build …` (DIR an existing directory), while a word that
# is neither a command nor a directory is an unknown command (cli_parse.sh); `-o PATH` without a type writes
# the final filesystem into the directory PATH (type=local, as buildx).
source "$MYBUILD_E2E_LIB"
require_root
cd "$E2E_WORK"
import_busybox cli-base:latest
mkdir -p run && printf 'FROM cli-base:latest\nRUN echo built >/marker\n' >run/Dockerfile

"$MYBUILD" --progress plain run >/dev/null 2>build1.log || { cat build1.log >&2; fail "mybuild DIR builds DIR"; }
pass "mybuild DIR builds DIR, even when DIR is also a command-like word (run)"
"$MYBUILD" -f run/Dockerfile --progress plain -o out run >/dev/null 2>build2.log ||
  { cat build2.log >&2; fail "mybuild -f Dockerfile DIR builds"; }
assert_eq built "$(cat out/marker)" "mybuild -f FILE -o PATH DIR writes the filesystem into the directory PATH"
"$MYBUILD" build --progress plain -o dest=out2 run >/dev/null 2>build3.log ||
  { cat build3.log >&2; fail "-o dest=PATH builds"; }
assert_eq built "$(cat out2/marker)" "-o dest=PATH without a type is type=local"

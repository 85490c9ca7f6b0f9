// The reference parser's parse-tree dump (FORMAT.md §1): one "(keyword [flags] "arg" …)" line per
// instruction, strings quoted like Go's strconv.Quote. Used to check the parser against the golden files.
#ifndef MYBUILD_FRONTEND_DUMP_H_
#define MYBUILD_FRONTEND_DUMP_H_

#include <string>

#include "src/frontend/ast.h"

namespace mybuild::frontend {

// One line per instruction, each ending in '\n' (so the result equals the golden `result` files).
std::string DumpDockerfile(const Dockerfile& dockerfile);

// One instruction without the surrounding parentheses: `run "echo hi"`, `onbuild (run "x")`.
std::string DumpInstruction(const Instruction& instruction);

}  // namespace mybuild::frontend

#endif  // MYBUILD_FRONTEND_DUMP_H_

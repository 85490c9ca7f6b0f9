// Dockerfile text → AST. The only entry point to the ANTLR-generated code.
#ifndef MYBUILD_FRONTEND_PARSER_H_
#define MYBUILD_FRONTEND_PARSER_H_

#include <string>
#include <string_view>

#include "src/base/status.h"
#include "src/frontend/ast.h"

namespace mybuild::frontend {

// Parses a whole Dockerfile. Errors are InvalidArgument with a location "FILE:LINE:COL" and a message
// saying what was expected. Never throws, never crashes or hangs on any input.
StatusOr<Dockerfile> ParseDockerfile(std::string_view text, const std::string& filename = "Dockerfile");

}  // namespace mybuild::frontend

#endif  // MYBUILD_FRONTEND_PARSER_H_

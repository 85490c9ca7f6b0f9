// The AST as JSON, for tools and debugging (`mybuild` can print it). Shape:
//   {"filename": "Dockerfile", "escape": "\\", "start_line": 1, "end_line": 9,
//    "directives": [{"name": "syntax", "value": "…", "line": 1}],
//    "warnings": [{"message": "…", "detail": "…", "url": "…", "line": 7}],
//    "instructions": [{"keyword": "run", "keyword_as_written": "RUN", "flags": ["--mount=…"],
//                      "args": ["echo hi"], "form": "shell" | "json" | "none",
//                      "heredocs": [{"name": "EOF", "content": "…", "expand": true, "chomp": false,
//                                    "fd": 0, "start_line": 3, "end_line": 5}],
//                      "onbuild": {…} | null, "original": "RUN echo hi",
//                      "start_line": 2, "end_line": 2, "column": 1}]}
// Strings are the raw bytes of the Dockerfile; dump with nlohmann's error_handler_t::replace when the input
// may hold invalid UTF-8.
#ifndef MYBUILD_FRONTEND_AST_JSON_H_
#define MYBUILD_FRONTEND_AST_JSON_H_

#include <nlohmann/json.hpp>

#include "src/frontend/ast.h"

namespace mybuild::frontend {

nlohmann::json InstructionToJson(const Instruction& instruction);
nlohmann::json DockerfileToJson(const Dockerfile& dockerfile);

}  // namespace mybuild::frontend

#endif  // MYBUILD_FRONTEND_AST_JSON_H_

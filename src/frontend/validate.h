// Instruction-level checks that the reference builder makes after parsing: known keywords (with a
// "did you mean" suggestion), argument counts, HEALTHCHECK and SHELL forms, ONBUILD triggers. Parsing and
// validation are separate so that the dump can show unknown instructions as the reference does.
#ifndef MYBUILD_FRONTEND_VALIDATE_H_
#define MYBUILD_FRONTEND_VALIDATE_H_

#include <string>
#include <string_view>

#include "src/base/status.h"
#include "src/frontend/ast.h"

namespace mybuild::frontend {

// The first problem found, as InvalidArgument located at the instruction ("FILE:LINE:COL: message").
Status ValidateInstructions(const Dockerfile& dockerfile);

// The instruction keyword closest to `word` (Levenshtein distance below 3), cased like `word`
// ("RUNN" → "RUN", "runn" → "run"); empty when none is close or `word` is itself a keyword.
std::string SuggestInstruction(std::string_view word);

// True for the 18 instruction keywords (lower case).
bool IsKnownInstruction(std::string_view keyword);

}  // namespace mybuild::frontend

#endif  // MYBUILD_FRONTEND_VALIDATE_H_

// The reference parser's rules for one logical line (FORMAT.md §1.3–1.4): keyword and flags, then the
// arguments per instruction (JSON or shell form, ENV/LABEL pairs, ARG words, whitespace-split lists …).
// Internal to the frontend; the public entry point is ParseDockerfile (parser.h).
#ifndef MYBUILD_FRONTEND_LINE_PARSERS_H_
#define MYBUILD_FRONTEND_LINE_PARSERS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/base/status.h"
#include "src/frontend/ast.h"

namespace mybuild::frontend {

// The logical line split at its first run of blanks, flags removed from the rest ("--" ends them and is
// dropped), the rest trimmed. Flag words lose their quotes and escapes (--x="a b" → --x=a b).
struct SplitLine {
  std::string keyword;  // as written
  std::vector<std::string> flags;
  std::string rest;
};
SplitLine SplitCommand(std::string_view line, char escape);

// The word splitter of ENV, LABEL and ARG: splits at unquoted white space, keeps quotes and escapes.
std::vector<std::string> ParseWords(std::string_view rest, char escape);

// A JSON array of strings. nullopt when `text` (after leading white space) is not a JSON array at all or
// not valid JSON (the caller falls back to the shell form); an InvalidArgument error when it is a valid
// array with an element that is not a string.
StatusOr<std::optional<std::vector<std::string>>> ParseJsonStringArray(std::string_view text);

// The message of the error above.
inline constexpr char kNotStringArrayMessage[] =
    "when using JSON array syntax, arrays must be comprised of strings only";

// Builds an instruction from a logical line (continuations joined, no heredoc bodies): keyword, flags,
// args, form, original and, for ONBUILD, the nested instruction. Errors have no location; the caller adds
// it. Unknown keywords are accepted here (args = {""}, as the reference dump shows them).
StatusOr<Instruction> InstructionFromLine(std::string_view line, char escape);

// True when the instruction (or, for ONBUILD, its trigger) is a RUN, COPY or ADD in shell form: only those
// take heredocs.
bool CanContainHeredoc(const Instruction& instruction);

}  // namespace mybuild::frontend

#endif  // MYBUILD_FRONTEND_LINE_PARSERS_H_

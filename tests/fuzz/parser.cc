// Fuzz target "parser": any bytes as a Dockerfile. The parser must return an AST or an error whose
// location names the file; an AST must dump, validate and convert to JSON without crashing, and every
// instruction's location must lie within the input.
#include <algorithm>
#include <string>

#include "src/frontend/ast_json.h"
#include "src/frontend/dump.h"
#include "src/frontend/parser.h"
#include "src/frontend/validate.h"
#include "tests/fuzz/fuzz_check.h"

namespace mybuild::frontend {
namespace {

void CheckInstruction(const Instruction& instruction, int lines) {
  FUZZ_CHECK(instruction.location.line >= 1 && instruction.location.line <= lines,
             "line " + std::to_string(instruction.location.line) + " of " + std::to_string(lines));
  FUZZ_CHECK(instruction.location.end_line == 0 || instruction.location.end_line >= instruction.location.line);
  FUZZ_CHECK(instruction.location.end_line <= lines);
  if (instruction.onbuild) CheckInstruction(*instruction.onbuild, lines);
}

}  // namespace
}  // namespace mybuild::frontend

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mybuild::frontend;
  const std::string_view text = mybuild::fuzz::AsText(data, size);
  mybuild::StatusOr<Dockerfile> parsed = ParseDockerfile(text, "fuzz.Dockerfile");
  if (!parsed.ok()) {
    FUZZ_CHECK(!parsed.status().message().empty());
    FUZZ_CHECK(parsed.status().ToString().rfind("fuzz.Dockerfile", 0) == 0, parsed.status().ToString());
    return 0;
  }
  // Lines as an editor counts them: '\n', "\r\n" and a lone '\r' end a line.
  const int lines = 1 + static_cast<int>(std::count(text.begin(), text.end(), '\n') +
                                         std::count(text.begin(), text.end(), '\r'));
  FUZZ_CHECK(!parsed->instructions.empty());
  for (const Instruction& instruction : parsed->instructions) CheckInstruction(instruction, lines);
  (void)DumpDockerfile(*parsed);
  ValidateInstructions(*parsed).IgnoreError();
  (void)DockerfileToJson(*parsed).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return 0;
}

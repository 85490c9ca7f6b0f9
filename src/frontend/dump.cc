#include "src/frontend/dump.h"

#include "src/frontend/go_quote.h"
#include "src/frontend/text_util.h"

namespace mybuild::frontend {

std::string DumpInstruction(const Instruction& instruction) {
  std::string out = instruction.keyword;
  if (!instruction.flags.empty()) {
    out += ' ';
    out += GoQuoteList(instruction.flags);
  }
  for (const std::string& arg : instruction.args) {
    out += ' ';
    out += GoQuote(arg);
  }
  if (instruction.onbuild) {
    out += " (";
    out += DumpInstruction(*instruction.onbuild);
    out += ')';
  }
  return std::string(TrimSpace(out));
}

std::string DumpDockerfile(const Dockerfile& dockerfile) {
  std::string out;
  for (const Instruction& instruction : dockerfile.instructions) {
    out += '(';
    out += DumpInstruction(instruction);
    out += ")\n";
  }
  return out;
}

}  // namespace mybuild::frontend

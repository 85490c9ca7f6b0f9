#include "src/frontend/validate.h"

#include <algorithm>
#include <array>
#include <vector>

#include "src/base/edit_distance.h"
#include "src/base/message_quote.h"
#include "src/frontend/go_quote.h"
#include "src/frontend/text_util.h"

namespace mybuild::frontend {
namespace {

constexpr std::array<std::string_view, 18> kKeywords = {
    "add",         "arg",        "cmd",     "copy",  "entrypoint", "env",   "expose",
    "from",        "healthcheck", "label",  "maintainer", "onbuild", "run", "shell",
    "stopsignal",  "user",       "volume",  "workdir"};

std::string Upper(std::string_view keyword) { return AsciiUpper(keyword); }

Status ErrorAt(const Instruction& instruction, std::string message) {
  return InvalidArgument(std::move(message), instruction.location);
}

Status AtLeastOne(const Instruction& i) { return ErrorAt(i, Upper(i.keyword) + " requires at least one argument"); }
Status ExactlyOne(const Instruction& i) { return ErrorAt(i, Upper(i.keyword) + " requires exactly one argument"); }

Status ValidateKeyValues(const Instruction& instruction) {
  const auto& args = instruction.args;
  if (args.empty()) return AtLeastOne(instruction);
  if (args.size() % 3 != 0) {
    return ErrorAt(instruction, "Bad input to " + Upper(instruction.keyword) + ", too many arguments");
  }
  for (size_t j = 0; j < args.size(); j += 3) {
    if (args[j].empty()) return ErrorAt(instruction, Upper(instruction.keyword) + " names can not be blank");
  }
  return Status::Ok();
}

Status ValidateHealthcheck(const Instruction& instruction) {
  const auto& args = instruction.args;
  if (args.empty()) return AtLeastOne(instruction);
  const std::string type = Upper(args[0]);
  if (type == "NONE") {
    if (args.size() != 1) return ErrorAt(instruction, "HEALTHCHECK NONE takes no arguments");
    return Status::Ok();
  }
  if (type == "CMD") {
    if (args.size() == 1 || (args.size() == 2 && args[1].empty() && instruction.form != CommandForm::kJson)) {
      return ErrorAt(instruction, "Missing command after HEALTHCHECK CMD");
    }
    return Status::Ok();
  }
  return ErrorAt(instruction, "Unknown type " + GoQuote(CutForMessage(type)) + " in HEALTHCHECK (try CMD)");
}

Status Validate(const Instruction& instruction, bool as_trigger) {
  const std::string& k = instruction.keyword;
  const auto& args = instruction.args;
  if (!IsKnownInstruction(k)) {
    std::string message = "unknown instruction: " + instruction.keyword_as_written;
    const std::string suggestion = SuggestInstruction(instruction.keyword_as_written);
    if (!suggestion.empty()) message += " (did you mean " + suggestion + "?)";
    return ErrorAt(instruction, std::move(message));
  }
  if (as_trigger) {
    if (k == "onbuild") return ErrorAt(instruction, "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
    if (k == "from" || k == "maintainer") {
      return ErrorAt(instruction, Upper(k) + " isn't allowed as an ONBUILD trigger");
    }
  }
  if (k == "env" || k == "label") return ValidateKeyValues(instruction);
  if (k == "healthcheck") return ValidateHealthcheck(instruction);
  if (k == "maintainer" || k == "workdir" || k == "user" || k == "stopsignal") {
    return args.size() == 1 ? Status::Ok() : ExactlyOne(instruction);
  }
  if (k == "add" || k == "copy") {
    if (args.size() < 2) {
      return ErrorAt(instruction, Upper(k) +
                                      " requires at least two arguments, but only one was provided. Destination "
                                      "could not be determined");
    }
    return Status::Ok();
  }
  if (k == "from") {
    if (args.empty()) return AtLeastOne(instruction);
    if (args.size() == 3 && AsciiLower(args[1]) == "as") return Status::Ok();
    if (args.size() != 1) return ErrorAt(instruction, "FROM requires either one or three arguments");
    return Status::Ok();
  }
  if (k == "onbuild") {
    if (!instruction.onbuild) return AtLeastOne(instruction);
    Status trigger = Validate(*instruction.onbuild, /*as_trigger=*/true);
    if (!trigger.ok()) return ErrorAt(instruction, trigger.message());
    return Status::Ok();
  }
  if (k == "expose" || k == "run" || k == "arg") {
    if (args.empty()) return AtLeastOne(instruction);
    if (k == "arg") {
      for (const std::string& arg : args) {
        if (arg.empty() || arg[0] == '=') return ErrorAt(instruction, "ARG names can not be blank");
      }
    }
    return Status::Ok();
  }
  if (k == "volume") {
    if (args.empty()) return AtLeastOne(instruction);
    for (const std::string& arg : args) {
      if (arg.empty()) return ErrorAt(instruction, "VOLUME specified can not be an empty string");
    }
    return Status::Ok();
  }
  if (k == "shell") {
    if (args.empty()) return AtLeastOne(instruction);
    if (instruction.form != CommandForm::kJson) {
      return ErrorAt(instruction, "SHELL requires the arguments to be in JSON form");
    }
    return Status::Ok();
  }
  return Status::Ok();  // CMD and ENTRYPOINT may be empty
}

}  // namespace

bool IsKnownInstruction(std::string_view keyword) {
  return std::find(kKeywords.begin(), kKeywords.end(), keyword) != kKeywords.end();
}

std::string SuggestInstruction(std::string_view word) {
  const std::string lower = AsciiLower(word);
  if (IsKnownInstruction(lower)) return "";
  std::string match = NearestWord(lower, {kKeywords.begin(), kKeywords.end()}, 3);
  if (match.empty()) return match;
  if (word == lower) return match;
  return AsciiUpper(match);
}

Status ValidateInstructions(const Dockerfile& dockerfile) {
  for (const Instruction& instruction : dockerfile.instructions) {
    MB_RETURN_IF_ERROR(Validate(instruction, false));
  }
  return Status::Ok();
}

}  // namespace mybuild::frontend

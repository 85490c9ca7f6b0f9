// The rules about single instructions and their order within a stage.
#include <algorithm>
#include <map>

#include "src/checks/check_rule.h"
#include "src/checks/stage_view.h"

namespace mybuild::checks {
namespace {

// Splits on '_' and tells whether any part equals one of `tokens` (case-insensitive): the reference's
// `(?i)(?:_|^)(?:token)(?:_|$)`.
bool HasToken(const std::string& key, const std::vector<std::string>& tokens) {
  size_t start = 0;
  while (start <= key.size()) {
    size_t end = key.find('_', start);
    if (end == std::string::npos) end = key.size();
    std::string part = key.substr(start, end - start);
    std::transform(part.begin(), part.end(), part.begin(), [](unsigned char c) { return std::tolower(c); });
    if (std::find(tokens.begin(), tokens.end(), part) != tokens.end()) return true;
    start = end + 1;
  }
  return false;
}

}  // namespace

void CheckNoEmptyContinuation(const CheckInput& input, std::vector<Finding>& out) {
  for (const frontend::Warning& warning : input.dockerfile->warnings) {
    if (warning.message.rfind("Empty continuation line", 0) == 0) {
      out.push_back({"NoEmptyContinuation", "Empty continuation line", warning.location});
    }
  }
}

void CheckConsistentInstructionCasing(const CheckInput& input, std::vector<Finding>& out) {
  const DockerfileView view = ViewOf(*input.dockerfile);
  std::vector<const frontend::Instruction*> all;
  for (const StageView& stage : view.stages) {
    all.push_back(stage.from);
    all.insert(all.end(), stage.body.begin(), stage.body.end());
  }
  int lower = 0, upper = 0;
  for (const frontend::Instruction* instruction : all) {
    const std::string& name = instruction->keyword_as_written;
    if (IsLower(name)) ++lower;
    else if (IsUpper(name)) ++upper;
  }
  const bool majority_lower = lower > upper;
  for (const frontend::Instruction* instruction : all) {
    const std::string& name = instruction->keyword_as_written;
    if (majority_lower && !IsLower(name)) {
      out.push_back({"ConsistentInstructionCasing", "Command '" + name + "' should match the case of the command majority (lowercase)", instruction->location});
    } else if (!majority_lower && !IsUpper(name)) {
      out.push_back({"ConsistentInstructionCasing", "Command '" + name + "' should match the case of the command majority (uppercase)", instruction->location});
    }
  }
}

void CheckJsonArgsRecommended(const CheckInput& input, std::vector<Finding>& out) {
  for (const StageView& stage : ViewOf(*input.dockerfile).stages) {
    bool custom_shell = false;  // a SHELL earlier in the stage: the shell form is deliberate
    for (const frontend::Instruction* instruction : stage.body) {
      if (instruction->keyword == "shell") custom_shell = true;
      if ((instruction->keyword == "cmd" || instruction->keyword == "entrypoint") &&
          instruction->form == frontend::CommandForm::kShell && !custom_shell) {
        out.push_back({"JSONArgsRecommended", "JSON arguments recommended for " + instruction->keyword_as_written +
                                                  " to prevent unintended behavior related to OS signals",
                       instruction->location});
      }
    }
  }
}

void CheckMaintainerDeprecated(const CheckInput& input, std::vector<Finding>& out) {
  for (const frontend::Instruction& instruction : input.dockerfile->instructions) {
    if (instruction.keyword == "maintainer") {
      out.push_back({"MaintainerDeprecated", "Maintainer instruction is deprecated in favor of using label", instruction.location});
    }
  }
}

void CheckWorkdirRelativePath(const CheckInput& input, std::vector<Finding>& out) {
  for (const StageView& stage : ViewOf(*input.dockerfile).stages) {
    for (const frontend::Instruction* instruction : stage.body) {
      if (instruction->keyword != "workdir" || instruction->args.empty()) continue;
      const std::string& path = instruction->args[0];
      // Only the first WORKDIR of a stage: fixing it fixes the later relative ones. A variable may be absolute.
      if (!path.empty() && path[0] != '/' && path[0] != '$') {
        out.push_back({"WorkdirRelativePath", "Relative workdir \"" + path + "\" can have unexpected results if the base image changes",
                       instruction->location});
      }
      break;
    }
  }
}

void CheckMultipleInstructionsDisallowed(const CheckInput& input, std::vector<Finding>& out) {
  for (const StageView& stage : ViewOf(*input.dockerfile).stages) {
    std::map<std::string, const frontend::Instruction*> previous;
    for (const frontend::Instruction* instruction : stage.body) {
      const std::string& keyword = instruction->keyword;
      if (keyword != "cmd" && keyword != "entrypoint" && keyword != "healthcheck") continue;
      // The earlier one is reported: it is the one that has no effect.
      if (auto found = previous.find(keyword); found != previous.end()) {
        out.push_back({"MultipleInstructionsDisallowed", "Multiple " + instruction->keyword_as_written +
                                                             " instructions should not be used in the same stage because only the last one will be used",
                       found->second->location});
      }
      previous[keyword] = instruction;
    }
  }
}

void CheckLegacyKeyValueFormat(const CheckInput& input, std::vector<Finding>& out) {
  for (const frontend::Instruction& instruction : input.dockerfile->instructions) {
    if (instruction.keyword != "env" && instruction.keyword != "label") continue;
    for (size_t i = 0; i + 2 < instruction.args.size(); i += 3) {
      if (instruction.args[i + 2].empty()) {
        const std::string& name = instruction.keyword_as_written;
        out.push_back({"LegacyKeyValueFormat", "\"" + name + " key=value\" should be used instead of legacy \"" + name + " key value\" format",
                       instruction.location});
        break;
      }
    }
  }
}

bool LooksLikeSecretName(const std::string& key) {
  static const std::vector<std::string> kDeny = {"apikey", "auth", "credential", "credentials", "key",
                                                 "password", "pword", "passwd", "secret", "token"};
  static const std::vector<std::string> kAllow = {"public", "file", "version"};
  return HasToken(key, kDeny) && !HasToken(key, kAllow);
}

void CheckSecretsUsedInArgOrEnv(const CheckInput& input, std::vector<Finding>& out) {
  for (const frontend::Instruction& instruction : input.dockerfile->instructions) {
    std::vector<std::string> keys;
    if (instruction.keyword == "arg") {
      for (const std::string& word : instruction.args) keys.push_back(word.substr(0, word.find('=')));
    } else if (instruction.keyword == "env") {
      for (size_t i = 0; i < instruction.args.size(); i += 3) keys.push_back(instruction.args[i]);
    }
    for (const std::string& key : keys) {
      if (LooksLikeSecretName(key)) {
        out.push_back({"SecretsUsedInArgOrEnv", "Do not use ARG or ENV instructions for sensitive data (" +
                                                    (instruction.keyword == "arg" ? std::string("ARG") : std::string("ENV")) + " \"" + key + "\")",
                       instruction.location});
      }
    }
  }
}

}  // namespace mybuild::checks

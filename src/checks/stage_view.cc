#include "src/checks/stage_view.h"

#include <algorithm>
#include <cctype>

namespace mybuild::checks {

std::optional<std::string> FlagValue(const std::vector<std::string>& flags, const std::string& name) {
  const std::string prefix = "--" + name + "=";
  for (const std::string& flag : flags) {
    if (flag.rfind(prefix, 0) == 0) return flag.substr(prefix.size());
  }
  return std::nullopt;
}

bool IsLower(const std::string& text) {
  return std::none_of(text.begin(), text.end(), [](unsigned char c) { return std::isupper(c) != 0; });
}

bool IsUpper(const std::string& text) {
  return std::none_of(text.begin(), text.end(), [](unsigned char c) { return std::islower(c) != 0; });
}

DockerfileView ViewOf(const frontend::Dockerfile& dockerfile) {
  DockerfileView view;
  for (const frontend::Instruction& instruction : dockerfile.instructions) {
    if (instruction.keyword == "from") {
      StageView stage;
      stage.from = &instruction;
      const std::vector<std::string>& args = instruction.args;
      if (!args.empty()) stage.parts.image = args[0];
      if (args.size() >= 3) {
        stage.parts.as_keyword = args[1];
        stage.parts.name = args[2];
      }
      stage.parts.platform = FlagValue(instruction.flags, "platform");
      view.stages.push_back(std::move(stage));
    } else if (view.stages.empty()) {
      if (instruction.keyword == "arg") view.global_args.push_back(&instruction);
    } else {
      view.stages.back().body.push_back(&instruction);
    }
  }
  return view;
}

GlobalArgs ReadGlobalArgs(const DockerfileView& view, const frontend::ShellLexer& lexer) {
  GlobalArgs out;
  for (const frontend::Instruction* arg : view.global_args) {
    for (const std::string& word : arg->args) {
      const size_t equals = word.find('=');
      const std::string name = word.substr(0, equals);
      out.names.push_back(name);
      if (equals == std::string::npos) continue;
      StatusOr<std::string> value = lexer.ProcessWord(word.substr(equals + 1), out.env);
      out.env.Set(name, value.ok() ? *value : word.substr(equals + 1));
    }
  }
  return out;
}

}  // namespace mybuild::checks

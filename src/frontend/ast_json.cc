#include "src/frontend/ast_json.h"

namespace mybuild::frontend {
namespace {

const char* FormName(CommandForm form) {
  switch (form) {
    case CommandForm::kJson: return "json";
    case CommandForm::kShell: return "shell";
    case CommandForm::kNone: break;
  }
  return "none";
}

}  // namespace

nlohmann::json InstructionToJson(const Instruction& instruction) {
  nlohmann::json heredocs = nlohmann::json::array();
  for (const Heredoc& heredoc : instruction.heredocs) {
    heredocs.push_back({{"name", heredoc.name},
                        {"content", heredoc.content},
                        {"expand", heredoc.expand},
                        {"chomp", heredoc.chomp},
                        {"fd", heredoc.file_descriptor},
                        {"start_line", heredoc.start_line},
                        {"end_line", heredoc.end_line}});
  }
  return {{"keyword", instruction.keyword},
          {"keyword_as_written", instruction.keyword_as_written},
          {"flags", instruction.flags},
          {"args", instruction.args},
          {"form", FormName(instruction.form)},
          {"heredocs", std::move(heredocs)},
          {"onbuild", instruction.onbuild ? InstructionToJson(*instruction.onbuild) : nlohmann::json(nullptr)},
          {"original", instruction.original},
          {"start_line", instruction.location.line},
          {"end_line", instruction.location.end_line},
          {"column", instruction.location.column}};
}

nlohmann::json DockerfileToJson(const Dockerfile& dockerfile) {
  nlohmann::json directives = nlohmann::json::array();
  for (const Directive& directive : dockerfile.directives) {
    directives.push_back({{"name", directive.name}, {"value", directive.value}, {"line", directive.line}});
  }
  nlohmann::json warnings = nlohmann::json::array();
  for (const Warning& warning : dockerfile.warnings) {
    warnings.push_back({{"message", warning.message},
                        {"detail", warning.detail},
                        {"url", warning.url},
                        {"line", warning.location.line}});
  }
  nlohmann::json instructions = nlohmann::json::array();
  for (const Instruction& instruction : dockerfile.instructions) instructions.push_back(InstructionToJson(instruction));
  return {{"filename", dockerfile.filename},
          {"escape", std::string(1, dockerfile.escape)},
          {"start_line", dockerfile.start_line},
          {"end_line", dockerfile.end_line},
          {"directives", std::move(directives)},
          {"warnings", std::move(warnings)},
          {"instructions", std::move(instructions)}};
}

}  // namespace mybuild::frontend

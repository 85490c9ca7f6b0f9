// UndefinedVar: a variable used in an instruction the builder expands (ENV, ARG, LABEL, COPY, ADD,
// WORKDIR, USER, EXPOSE, VOLUME, STOPSIGNAL) that no ARG or ENV of the stage (or of the stages it is
// built FROM) defines. RUN, CMD and ENTRYPOINT are left to the shell, as in the reference.
//
// The reference also counts the base image's ENV. Without the image at hand, a stage whose chain starts
// at an image other than scratch is not checked (its base may define any name); scratch-rooted ones are.
#include <algorithm>
#include <map>
#include <set>

#include "src/base/edit_distance.h"
#include "src/checks/check_rule.h"
#include "src/checks/stage_view.h"
#include "src/frontend/shell_lexer.h"

namespace mybuild::checks {
namespace {

struct Scope {
  std::vector<std::string> names;  // defined names in order of definition
  bool base_known = true;          // the chain starts at scratch
  void Define(const std::string& name) {
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
};

// The words of `instruction` the builder expands.
std::vector<std::string> ExpandedWords(const frontend::Instruction& instruction) {
  const std::string& k = instruction.keyword;
  std::vector<std::string> words;
  if (k == "label") {
    for (size_t i = 0; i + 1 < instruction.args.size(); i += 3) {
      words.push_back(instruction.args[i]);
      words.push_back(instruction.args[i + 1]);
    }
  } else if (k == "copy" || k == "add") {
    for (const std::string& arg : instruction.args) {
      if (arg.rfind("<<", 0) != 0) words.push_back(arg);
    }
    for (const char* flag : {"chown", "chmod"}) {
      if (auto value = FlagValue(instruction.flags, flag)) words.push_back(*value);
    }
  } else if (k == "workdir" || k == "user" || k == "expose" || k == "volume" || k == "stopsignal") {
    words = instruction.args;
  }
  return words;
}

void CheckWord(const std::string& word, const Scope& scope, const frontend::ShellLexer& lexer,
               const frontend::Instruction& instruction, std::set<std::string>& reported, std::vector<Finding>& out) {
  frontend::EnvList env;
  for (const std::string& name : scope.names) env.Set(name, "x");
  StatusOr<frontend::ProcessResult> result = lexer.ProcessWordWithMatches(word, env);
  if (!result.ok()) return;  // the build reports the bad word itself
  std::vector<std::string_view> candidates(scope.names.begin(), scope.names.end());
  for (const std::string& name : result->unmatched) {
    if (!reported.insert(name).second) continue;
    std::string message = "Usage of undefined variable '$" + name + "'";
    const std::string nearest = NearestWord(name, candidates, std::max<size_t>(2, name.size() / 3 + 1));
    if (!nearest.empty()) message += " (did you mean $" + nearest + "?)";
    out.push_back({"UndefinedVar", message, instruction.location});
  }
}

}  // namespace

void CheckUndefinedVar(const CheckInput& input, std::vector<Finding>& out) {
  const DockerfileView view = ViewOf(*input.dockerfile);
  const frontend::ShellLexer lexer(input.dockerfile->escape);
  std::map<std::string, Scope> by_name;  // stage name (lower case) → its scope at its end
  for (const StageView& stage : view.stages) {
    std::string base = stage.parts.image;
    std::transform(base.begin(), base.end(), base.begin(), [](unsigned char c) { return std::tolower(c); });
    Scope scope;
    if (auto parent = by_name.find(base); parent != by_name.end()) scope = parent->second;
    else scope.base_known = base == "scratch";
    for (const frontend::Instruction* instruction : stage.body) {
      std::set<std::string> reported;
      const bool check = scope.base_known;
      if (instruction->keyword == "arg") {
        for (const std::string& word : instruction->args) {
          const size_t equals = word.find('=');
          if (check && equals != std::string::npos) CheckWord(word.substr(equals + 1), scope, lexer, *instruction, reported, out);
          scope.Define(word.substr(0, equals));
        }
      } else if (instruction->keyword == "env") {
        for (size_t i = 0; i + 1 < instruction->args.size(); i += 3) {
          if (check) CheckWord(instruction->args[i + 1], scope, lexer, *instruction, reported, out);
          scope.Define(instruction->args[i]);
        }
      } else if (check) {
        for (const std::string& word : ExpandedWords(*instruction)) CheckWord(word, scope, lexer, *instruction, reported, out);
      }
    }
    if (!stage.parts.name.empty()) {
      std::string name = stage.parts.name;
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
      by_name[name] = scope;
    }
  }
}

}  // namespace mybuild::checks

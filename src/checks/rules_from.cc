// The rules about FROM lines and stage names.
#include <algorithm>
#include <set>

#include "src/base/edit_distance.h"
#include "src/checks/check_rule.h"
#include "src/checks/stage_view.h"
#include "src/frontend/shell_lexer.h"

namespace mybuild::checks {
namespace {

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// The build args every FROM may use without declaring them (the platform args).
const std::set<std::string>& PredefinedFromArgs() {
  static const std::set<std::string> kArgs = {"BUILDPLATFORM", "BUILDOS",  "BUILDARCH",  "BUILDVARIANT",
                                              "TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT"};
  return kArgs;
}

}  // namespace

void CheckStageNameCasing(const CheckInput& input, std::vector<Finding>& out) {
  for (const StageView& stage : ViewOf(*input.dockerfile).stages) {
    if (!stage.parts.name.empty() && !IsLower(stage.parts.name)) {
      out.push_back({"StageNameCasing", "Stage name '" + stage.parts.name + "' should be lowercase", stage.from->location});
    }
  }
}

void CheckFromAsCasing(const CheckInput& input, std::vector<Finding>& out) {
  for (const StageView& stage : ViewOf(*input.dockerfile).stages) {
    const std::string& from = stage.from->keyword_as_written;
    const std::string& as = stage.parts.as_keyword;
    if (as.empty()) continue;
    if ((Lower(from) == from) != (Lower(as) == as)) {
      out.push_back({"FromAsCasing", "'" + as + "' and '" + from + "' keywords' casing do not match", stage.from->location});
    }
  }
}

void CheckDuplicateStageName(const CheckInput& input, std::vector<Finding>& out) {
  std::set<std::string> seen;
  for (const StageView& stage : ViewOf(*input.dockerfile).stages) {
    if (stage.parts.name.empty()) continue;
    const std::string name = Lower(stage.parts.name);
    if (!seen.insert(name).second) {
      out.push_back({"DuplicateStageName", "Duplicate stage name \"" + name + "\", stage names should be unique",
                     stage.from->location});
    }
  }
}

void CheckReservedStageName(const CheckInput& input, std::vector<Finding>& out) {
  for (const StageView& stage : ViewOf(*input.dockerfile).stages) {
    const std::string name = Lower(stage.parts.name);
    if (name == "scratch" || name == "context") {
      out.push_back({"ReservedStageName", "Stage name should not use the same name as reserved stage \"" + name + "\"",
                     stage.from->location});
    }
  }
}

void CheckUndefinedArgInFrom(const CheckInput& input, std::vector<Finding>& out) {
  const DockerfileView view = ViewOf(*input.dockerfile);
  const frontend::ShellLexer lexer(input.dockerfile->escape);
  const GlobalArgs globals = ReadGlobalArgs(view, lexer);
  std::vector<std::string_view> candidates(globals.names.begin(), globals.names.end());
  for (const std::string& name : PredefinedFromArgs()) candidates.push_back(name);
  for (const StageView& stage : view.stages) {
    std::vector<std::string> words = {stage.parts.image};
    if (stage.parts.platform) words.push_back(*stage.parts.platform);
    std::set<std::string> reported;
    for (const std::string& word : words) {
      StatusOr<frontend::ProcessResult> result = lexer.ProcessWordWithMatches(word, globals.env);
      if (!result.ok()) continue;  // the build reports the bad word itself
      for (const std::string& name : result->unmatched) {
        if (PredefinedFromArgs().count(name) != 0 ||
            std::find(globals.names.begin(), globals.names.end(), name) != globals.names.end() ||
            !reported.insert(name).second) {
          continue;
        }
        std::string message = "FROM argument '" + name + "' is not declared";
        const std::string nearest = NearestWord(name, candidates, std::max<size_t>(2, name.size() / 3 + 1));
        if (!nearest.empty()) message += " (did you mean " + nearest + "?)";
        out.push_back({"UndefinedArgInFrom", message, stage.from->location});
      }
    }
  }
}

void CheckRedundantTargetPlatform(const CheckInput& input, std::vector<Finding>& out) {
  const frontend::ShellLexer lexer(input.dockerfile->escape);
  const frontend::EnvList env = {{"TARGETPLATFORM", "linux/amd64"}};
  for (const StageView& stage : ViewOf(*input.dockerfile).stages) {
    if (!stage.parts.platform) continue;
    StatusOr<frontend::ProcessResult> result = lexer.ProcessWordWithMatches(*stage.parts.platform, env);
    if (!result.ok() || !result->unmatched.empty() || result->matched != std::set<std::string>{"TARGETPLATFORM"}) continue;
    if (result->result != "linux/amd64") continue;
    out.push_back({"RedundantTargetPlatform",
                   "Setting platform to predefined " + *stage.parts.platform +
                       " in FROM is redundant as this is the default behavior",
                   stage.from->location});
  }
}

}  // namespace mybuild::checks

namespace mybuild::checks {

void CheckInvalidDefaultArgInFrom(const CheckInput& input, std::vector<Finding>& out) {
  const DockerfileView view = ViewOf(*input.dockerfile);
  const frontend::ShellLexer lexer(input.dockerfile->escape);
  const GlobalArgs globals = ReadGlobalArgs(view, lexer);
  for (const StageView& stage : view.stages) {
    if (stage.parts.image.find('$') == std::string::npos) continue;  // a literal name is the build's to reject
    StatusOr<std::string> name = lexer.ProcessWord(stage.parts.image, globals.env);
    if (!name.ok()) continue;
    // What the reference's reference.ParseNormalizedNamed refuses whatever the registry: an empty name,
    // an empty component, a dangling tag or digest separator, blanks.
    const bool invalid = name->empty() || name->find_first_of(" \t") != std::string::npos ||
                         std::string(":/@").find(name->front()) != std::string::npos ||
                         std::string(":/@").find(name->back()) != std::string::npos || name->find("//") != std::string::npos;
    if (invalid) {
      out.push_back({"InvalidDefaultArgInFrom", "Default value for ARG " + stage.parts.image +
                                                    " results in empty or invalid base image name",
                     stage.from->location});
    }
  }
}

}  // namespace mybuild::checks

namespace mybuild::checks {

void CheckFromPlatformFlagConstDisallowed(const CheckInput& input, std::vector<Finding>& out) {
  for (const StageView& stage : ViewOf(*input.dockerfile).stages) {
    const std::optional<std::string>& platform = stage.parts.platform;
    if (!platform || platform->empty() || platform->find('$') != std::string::npos) continue;  // a variable: not constant
    const size_t slash = platform->find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 >= platform->size()) continue;  // the build rejects it
    const std::string os = platform->substr(0, slash);
    const std::string arch = platform->substr(slash + 1, platform->find('/', slash + 1) - slash - 1);
    // A stage named for its platform ("build-arm64") pins it on purpose.
    if (stage.parts.name.find(os) != std::string::npos || stage.parts.name.find(arch) != std::string::npos) continue;
    out.push_back({"FromPlatformFlagConstDisallowed", "FROM --platform flag should not use constant value \"" + *platform + "\"",
                   stage.from->location});
  }
}

}  // namespace mybuild::checks

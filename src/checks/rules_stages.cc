// The rules about base images, stages and the build args of a build: InvalidBaseImagePlatform (the
// reference's), and our own UnpinnedBaseImage, UnreachableStage and SecretInBuildArg.
#include <algorithm>
#include <cctype>
#include <optional>
#include <set>

#include "src/checks/check_rule.h"
#include "src/checks/stage_view.h"
#include "src/planner/platform.h"
#include "src/planner/run_mount.h"

namespace mybuild::checks {
namespace {

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// A word expanded with the global ARGs' defaults; nullopt when it names a variable nothing defines.
std::optional<std::string> Expand(const std::string& word, const frontend::EnvList& env, const frontend::ShellLexer& lexer) {
  StatusOr<frontend::ProcessResult> result = lexer.ProcessWordWithMatches(word, env);
  if (!result.ok() || !result->unmatched.empty()) return std::nullopt;
  return result->result;
}

// The image each stage is built on, expanded; nullopt for scratch, an earlier stage or an unknown word.
std::vector<std::optional<std::string>> BaseImages(const DockerfileView& view, const frontend::EnvList& env,
                                                   const frontend::ShellLexer& lexer) {
  std::vector<std::optional<std::string>> out;
  std::set<std::string> stages;
  for (const StageView& stage : view.stages) {
    std::optional<std::string> image = Expand(stage.parts.image, env, lexer);
    if (image && (image->empty() || Lower(*image) == "scratch" || stages.count(Lower(*image)) != 0)) image.reset();
    out.push_back(image);
    if (!stage.parts.name.empty()) stages.insert(Lower(stage.parts.name));
  }
  return out;
}

frontend::EnvList PlatformArgs(const planner::Platform& build, const planner::Platform& target) {
  return {{"BUILDPLATFORM", build.ToString()},  {"BUILDOS", build.os},   {"BUILDARCH", build.architecture},
          {"BUILDVARIANT", build.variant},      {"TARGETPLATFORM", target.ToString()},
          {"TARGETOS", target.os},              {"TARGETARCH", target.architecture},
          {"TARGETVARIANT", target.variant}};
}

// The stages stage `index` reads (FROM an earlier stage, COPY --from, RUN --mount from=), by index;
// nullopt when one is written with a variable the global ARGs do not define.
std::optional<std::set<int>> StageDeps(const DockerfileView& view, size_t index, const frontend::EnvList& env,
                                       const frontend::ShellLexer& lexer) {
  auto find = [&](const std::string& name) -> int {
    const std::string lower = Lower(name);
    if (!lower.empty() && std::all_of(lower.begin(), lower.end(), [](unsigned char c) { return std::isdigit(c); })) {
      return lower.size() < 6 ? std::stoi(lower) : -1;
    }
    for (size_t i = index; i-- > 0;) {
      if (Lower(view.stages[i].parts.name) == lower) return static_cast<int>(i);
    }
    return -1;
  };
  std::set<int> deps;
  const StageView& stage = view.stages[index];
  std::vector<std::string> names = {stage.parts.image};
  for (const frontend::Instruction* instruction : stage.body) {
    if (instruction->keyword == "copy") {
      if (auto from = FlagValue(instruction->flags, "from")) names.push_back(*from);
    } else if (instruction->keyword == "run") {
      for (const std::string& flag : instruction->flags) {
        if (flag.rfind("--mount=", 0) == 0) names.push_back(planner::RunMountFrom(flag.substr(8)));
      }
    }
  }
  for (const std::string& name : names) {
    if (name.empty()) continue;
    std::optional<std::string> expanded = Expand(name, env, lexer);
    if (!expanded) return std::nullopt;
    if (const int dep = find(*expanded); dep >= 0 && dep < static_cast<int>(index)) deps.insert(dep);
  }
  return deps;
}

// What a value looks like when it has the shape of a well-known credential; "" otherwise.
std::string TokenKind(const std::string& value) {
  auto starts = [&](std::string_view prefix) { return value.rfind(prefix, 0) == 0; };
  auto rest_alnum = [&](size_t from, size_t at_least) {
    return value.size() >= from + at_least &&
           std::all_of(value.begin() + from, value.end(), [](unsigned char c) { return std::isalnum(c) || c == '_' || c == '-'; });
  };
  for (const char* prefix : {"ghp_", "gho_", "ghu_", "ghs_", "ghr_"}) {
    if (starts(prefix) && rest_alnum(4, 30)) return "a GitHub token";
  }
  if (starts("github_pat_") && rest_alnum(11, 20)) return "a GitHub token";
  if (starts("glpat-") && rest_alnum(6, 20)) return "a GitLab token";
  if ((starts("xoxb-") || starts("xoxp-") || starts("xoxa-") || starts("xoxr-")) && rest_alnum(5, 10)) return "a Slack token";
  if ((starts("AKIA") || starts("ASIA")) && value.size() == 20 &&
      std::all_of(value.begin() + 4, value.end(), [](unsigned char c) { return std::isupper(c) || std::isdigit(c); })) {
    return "an AWS access key";
  }
  if (starts("npm_") && rest_alnum(4, 30)) return "an npm token";
  if (starts("AIza") && rest_alnum(4, 30)) return "a Google API key";
  if ((starts("sk-") && rest_alnum(3, 20)) || (starts("sk_live_") && rest_alnum(8, 16))) return "an API secret key";
  if (value.find("-----BEGIN") != std::string::npos && value.find("PRIVATE KEY") != std::string::npos) return "a private key";
  if (starts("eyJ") && std::count(value.begin(), value.end(), '.') == 2 && value.size() > 30) return "a JSON web token";
  return "";
}

}  // namespace

void CheckInvalidBaseImagePlatform(const CheckInput& input, std::vector<Finding>& out) {
  if (input.images == nullptr) return;
  const DockerfileView view = ViewOf(*input.dockerfile);
  const frontend::ShellLexer lexer(input.dockerfile->escape);
  StatusOr<planner::Platform> target = planner::ParsePlatform(input.target_platform);
  const planner::Platform build = planner::HostPlatform();
  if (!target.ok()) target = build;
  frontend::EnvList env = PlatformArgs(build, *target);
  const GlobalArgs globals = ReadGlobalArgs(view, lexer);
  for (const auto& [name, value] : globals.env.entries()) env.Set(name, value);
  const std::vector<std::optional<std::string>> images = BaseImages(view, env, lexer);
  for (size_t i = 0; i < view.stages.size(); ++i) {
    if (!images[i]) continue;
    planner::Platform expected = *target;
    if (const std::optional<std::string>& written = view.stages[i].parts.platform) {
      std::optional<std::string> platform = Expand(*written, env, lexer);
      StatusOr<planner::Platform> parsed = platform ? planner::ParsePlatform(*platform) : StatusOr<planner::Platform>(InvalidArgument(""));
      if (!parsed.ok()) continue;  // the build reports it
      expected = *parsed;
    }
    const std::optional<std::string> stored = input.images->PlatformOf(*images[i]);
    if (!stored) continue;  // not in the store: nothing to compare with
    StatusOr<planner::Platform> actual = planner::ParsePlatform(*stored);
    if (!actual.ok() || (actual->os == expected.os && actual->architecture == expected.architecture)) continue;
    out.push_back({"InvalidBaseImagePlatform", "Base image " + *images[i] + " was pulled with platform \"" + actual->ToString() +
                                                   "\", expected \"" + expected.ToString() + "\" for current build",
                   view.stages[i].from->location});
  }
}

void CheckUnpinnedBaseImage(const CheckInput& input, std::vector<Finding>& out) {
  const DockerfileView view = ViewOf(*input.dockerfile);
  const frontend::ShellLexer lexer(input.dockerfile->escape);
  const std::vector<std::optional<std::string>> images = BaseImages(view, ReadGlobalArgs(view, lexer).env, lexer);
  for (size_t i = 0; i < view.stages.size(); ++i) {
    if (!images[i] || images[i]->find('@') != std::string::npos) continue;  // pinned by digest
    const std::string& image = *images[i];
    const size_t slash = image.rfind('/');
    const size_t colon = image.find(':', slash == std::string::npos ? 0 : slash);
    const std::string tag = colon == std::string::npos ? "" : image.substr(colon + 1);
    if (!tag.empty() && tag != "latest") continue;
    out.push_back({"UnpinnedBaseImage", "Base image '" + image + "' is unpinned: " +
                                            (tag.empty() ? std::string("no tag means latest, which moves") : std::string("latest moves")) +
                                            " to new images over time",
                   view.stages[i].from->location});
  }
}

void CheckUnreachableStage(const CheckInput& input, std::vector<Finding>& out) {
  const DockerfileView view = ViewOf(*input.dockerfile);
  if (view.stages.size() < 2) return;
  const frontend::ShellLexer lexer(input.dockerfile->escape);
  frontend::EnvList env = PlatformArgs(planner::HostPlatform(), planner::HostPlatform());
  const GlobalArgs globals = ReadGlobalArgs(view, lexer);
  for (const auto& [name, value] : globals.env.entries()) env.Set(name, value);
  std::vector<std::set<int>> deps;
  for (size_t i = 0; i < view.stages.size(); ++i) {
    std::optional<std::set<int>> stage_deps = StageDeps(view, i, env, lexer);
    if (!stage_deps) return;  // a --from written with an unknown variable may reach any stage
    deps.push_back(std::move(*stage_deps));
  }
  // Every named stage can be a --target, and the last one is the default: what they reach is built by
  // some target; an unnamed stage outside of that is built by none.
  std::vector<bool> reached(view.stages.size(), false);
  for (size_t i = view.stages.size(); i-- > 0;) {
    if (!view.stages[i].parts.name.empty() || i + 1 == view.stages.size()) reached[i] = true;
    if (!reached[i]) continue;
    for (int dep : deps[i]) reached[dep] = true;
  }
  for (size_t i = 0; i < view.stages.size(); ++i) {
    if (reached[i]) continue;
    out.push_back({"UnreachableStage", "Stage " + std::to_string(i) +
                                           " has no name and no target uses it: it is never built",
                   view.stages[i].from->location});
  }
}

void CheckSecretInBuildArg(const CheckInput& input, std::vector<Finding>& out) {
  if (input.build_args == nullptr) return;
  for (const auto& [name, value] : *input.build_args) {
    if (name.rfind("BUILDKIT_", 0) == 0 || value.empty()) continue;
    const std::string kind = TokenKind(value);
    if (kind.empty() && !LooksLikeSecretName(name)) continue;
    // Reported at the ARG that takes it in (an undeclared build arg reaches nothing).
    const frontend::Instruction* declared = nullptr;
    for (const frontend::Instruction& instruction : input.dockerfile->instructions) {
      if (instruction.keyword != "arg") continue;
      for (const std::string& word : instruction.args) {
        if (word.substr(0, word.find('=')) == name) declared = declared != nullptr ? declared : &instruction;
      }
    }
    if (declared == nullptr) continue;
    out.push_back({"SecretInBuildArg", "--build-arg " + name + " looks like a secret (" +
                                           (kind.empty() ? std::string("its name") : "its value looks like " + kind) +
                                           "): build args stay readable in the image history",
                   declared->location});
  }
}

}  // namespace mybuild::checks

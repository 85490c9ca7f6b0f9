#include "src/checks/outline.h"

#include <algorithm>
#include <optional>
#include <set>

#include "src/checks/doc_comments.h"
#include "src/checks/stage_view.h"
#include "src/frontend/shell_lexer.h"
#include "src/planner/planner.h"

namespace mybuild::checks {
namespace {

// The outline reads no image: every base is an empty config (its ENV is not known, as in --check).
class EmptyBaseResolver : public planner::BaseImageResolver {
 public:
  StatusOr<planner::ImageConfig> Resolve(const std::string&, const planner::Platform&) override {
    return planner::ImageConfig{};
  }
};

struct ArgInfo {
  OutlineArg arg;
  std::set<std::string> deps;  // global ARGs the default refers to
};

using ArgTable = std::map<std::string, ArgInfo>;

// What one planned stage contributes.
struct StageArgs {
  std::set<std::string> used;  // names the stage reads (its FROM words, its ARGs)
  ArgTable own;                // its ARGs that define their own value
  frontend::EnvList env;       // its variables when it ends (ARG and ENV; the base image's are unknown)
};

struct Word {
  std::string name;
  std::optional<std::string> value;
};

Word SplitArgWord(const std::string& word) {
  const size_t equals = word.find('=');
  if (equals == std::string::npos) return {word, std::nullopt};
  return {word.substr(0, equals), word.substr(equals + 1)};
}

class OutlineBuilder {
 public:
  OutlineBuilder(const frontend::Dockerfile& dockerfile, std::string_view source, const std::map<std::string, std::string>& build_args)
      : dockerfile_(dockerfile), build_args_(build_args), comments_(PrecedingComments(dockerfile, source)),
        view_(ViewOf(dockerfile)), lexer_(dockerfile.escape) {}

  StatusOr<Outline> Run(const std::string& target) {
    EmptyBaseResolver resolver;
    planner::PlanInputs inputs;
    inputs.build_args = build_args_;
    inputs.target = target;
    inputs.resolver = &resolver;
    MB_ASSIGN_OR_RETURN(plan_, planner::Plan(dockerfile_, inputs));
    ReadGlobals();
    for (const planner::Stage& stage : plan_.stages) stages_[stage.index] = ReadStage(stage);
    Outline outline;
    const StageView& target_view = view_.stages[plan_.target_index];
    outline.name = plan_.target().name;
    outline.description = DocComment(CommentsOf(target_view.from), outline.name);
    std::set<std::string> seen_args, seen_secrets, seen_ssh;
    std::set<int> visited;
    Collect(plan_.target_index, outline, seen_args, seen_secrets, seen_ssh, visited);
    auto by_line = [](const auto& a, const auto& b) { return a.line < b.line; };
    std::stable_sort(outline.args.begin(), outline.args.end(), by_line);
    std::stable_sort(outline.secrets.begin(), outline.secrets.end(), by_line);
    std::stable_sort(outline.ssh.begin(), outline.ssh.end(), by_line);
    return outline;
  }

 private:
  const std::vector<std::string>& CommentsOf(const frontend::Instruction* instruction) const {
    return comments_[instruction - dockerfile_.instructions.data()];
  }

  OutlineArg ArgAt(const frontend::Instruction* instruction, const std::string& name, const std::string& value) const {
    return {name, value, DocComment(CommentsOf(instruction), name), instruction->location.line,
            std::max(instruction->location.line, instruction->location.end_line)};
  }

  // The global ARGs in order: a --build-arg wins, else the default expanded with the platform args and
  // the ARGs before it; a default that refers to its own name keeps what the earlier one referred to.
  void ReadGlobals() {
    const planner::Platform& build = plan_.build_platform;
    const planner::Platform& target = plan_.target_platform;
    global_env_ = {{"BUILDPLATFORM", build.ToString()},   {"BUILDOS", build.os},   {"BUILDARCH", build.architecture},
                   {"BUILDVARIANT", build.variant},       {"TARGETPLATFORM", target.ToString()},
                   {"TARGETOS", target.os},               {"TARGETARCH", target.architecture},
                   {"TARGETVARIANT", target.variant}};
    for (const frontend::Instruction* instruction : view_.global_args) {
      for (const std::string& text : instruction->args) {
        const Word word = SplitArgWord(text);
        ArgInfo info{ArgAt(instruction, word.name, ""), {}};
        std::optional<std::string> value;
        if (auto given = build_args_.find(word.name); given != build_args_.end()) {
          value = given->second;
        } else if (word.value) {
          StatusOr<frontend::ProcessResult> result = lexer_.ProcessWordWithMatches(*word.value, global_env_);
          value = result.ok() ? result->result : *word.value;
          if (result.ok()) info.deps = result->matched;
          if (info.deps.erase(word.name) != 0) {
            if (auto old = globals_.find(word.name); old != globals_.end()) info.deps.insert(old->second.deps.begin(), old->second.deps.end());
          }
        }
        if (value) {
          global_env_.Set(word.name, *value);
          info.arg.value = *value;
        }
        globals_[word.name] = std::move(info);
      }
    }
  }

  void UseWord(const std::string& word, std::set<std::string>& used) const {
    StatusOr<frontend::ProcessResult> result = lexer_.ProcessWordWithMatches(word, global_env_);
    if (result.ok()) used.insert(result->matched.begin(), result->matched.end());
  }

  StageArgs ReadStage(const planner::Stage& stage) const {
    const StageView& view = view_.stages[stage.index];
    StageArgs out;
    if (stage.base_kind == planner::Stage::BaseKind::kStage) {
      if (auto base = stages_.find(stage.base_stage); base != stages_.end()) out.env = base->second.env;
    }
    UseWord(view.parts.image, out.used);
    if (view.parts.platform) UseWord(*view.parts.platform, out.used);
    for (const frontend::Instruction* instruction : view.body) {
      if (instruction->keyword == "arg") {
        for (const std::string& text : instruction->args) ReadStageArg(instruction, SplitArgWord(text), out);
      } else if (instruction->keyword == "env") {
        for (size_t i = 0; i + 1 < instruction->args.size(); i += 3) {
          StatusOr<std::string> value = lexer_.ProcessWord(instruction->args[i + 1], out.env);
          out.env.Set(instruction->args[i], value.ok() ? *value : instruction->args[i + 1]);
        }
      }
    }
    return out;
  }

  // A bare `ARG NAME` takes the global ARG's value and is reported as the global one.
  void ReadStageArg(const frontend::Instruction* instruction, const Word& word, StageArgs& out) const {
    std::optional<std::string> value;
    bool inherited = false;
    const auto given = build_args_.find(word.name);
    if (given == build_args_.end() && !word.value) {
      if (auto global = global_env_.Get(word.name)) {
        value = std::string(*global);
        inherited = true;
      }
    }
    if (given != build_args_.end()) {
      value = given->second;
    } else if (word.value) {
      StatusOr<std::string> expanded = lexer_.ProcessWord(*word.value, out.env);
      value = expanded.ok() ? *expanded : *word.value;
    }
    if (!inherited) out.own[word.name] = {ArgAt(instruction, word.name, value.value_or("")), {}};
    out.used.insert(word.name);
    if (value) out.env.Set(word.name, *value);
  }

  const ArgInfo* FindArg(const StageArgs& stage, const std::string& name) const {
    if (auto own = stage.own.find(name); own != stage.own.end()) return &own->second;
    if (auto global = globals_.find(name); global != globals_.end()) return &global->second;
    return nullptr;
  }

  // The stage's args, secrets and sockets not reported yet, then its base's, then the stages it reads.
  void Collect(int index, Outline& outline, std::set<std::string>& seen_args, std::set<std::string>& seen_secrets,
               std::set<std::string>& seen_ssh, std::set<int>& visited) const {
    if (!visited.insert(index).second) return;
    const StageArgs& args = stages_.at(index);
    std::vector<std::string> pending(args.used.begin(), args.used.end());
    std::set<std::string> used;
    while (!pending.empty()) {  // the names used, with the global ARGs their defaults refer to
      const std::string name = pending.back();
      pending.pop_back();
      if (!used.insert(name).second) continue;
      if (const ArgInfo* info = FindArg(args, name)) pending.insert(pending.end(), info->deps.begin(), info->deps.end());
    }
    for (const std::string& name : used) {
      const ArgInfo* info = FindArg(args, name);
      if (info != nullptr && seen_args.insert(name).second) outline.args.push_back(info->arg);
    }
    const planner::Stage* stage = plan_.FindStage(index);
    for (const planner::Step& step : stage->steps) {
      const auto* run = std::get_if<planner::RunStep>(&step.op);
      if (run == nullptr) continue;
      for (const planner::RunMount& mount : run->mounts) {
        const bool secret = mount.type == planner::MountType::kSecret;
        if (!secret && mount.type != planner::MountType::kSsh) continue;
        const std::string name = secret || !mount.id.empty() ? mount.id : "default";
        if (!(secret ? seen_secrets : seen_ssh).insert(name).second) continue;
        (secret ? outline.secrets : outline.ssh)
            .push_back({name, mount.required, step.location.line, std::max(step.location.line, step.location.end_line)});
      }
    }
    if (stage->base_kind == planner::Stage::BaseKind::kStage) Collect(stage->base_stage, outline, seen_args, seen_secrets, seen_ssh, visited);
    for (int dep : stage->depends_on) Collect(dep, outline, seen_args, seen_secrets, seen_ssh, visited);
  }

  const frontend::Dockerfile& dockerfile_;
  const std::map<std::string, std::string>& build_args_;
  const std::vector<std::vector<std::string>> comments_;
  const DockerfileView view_;
  const frontend::ShellLexer lexer_;
  planner::BuildPlan plan_;
  frontend::EnvList global_env_;
  ArgTable globals_;
  std::map<int, StageArgs> stages_;
};

}  // namespace

StatusOr<Outline> OutlineOf(const frontend::Dockerfile& dockerfile, std::string_view source, const std::string& target,
                            const std::map<std::string, std::string>& build_args) {
  return OutlineBuilder(dockerfile, source, build_args).Run(target);
}

std::vector<TargetInfo> TargetsOf(const frontend::Dockerfile& dockerfile, std::string_view source) {
  const std::vector<std::vector<std::string>> comments = PrecedingComments(dockerfile, source);
  const DockerfileView view = ViewOf(dockerfile);
  std::vector<TargetInfo> out;
  for (const StageView& stage : view.stages) {
    TargetInfo target;
    target.name = stage.parts.name;
    std::transform(target.name.begin(), target.name.end(), target.name.begin(), [](unsigned char c) { return std::tolower(c); });
    target.description = DocComment(comments[stage.from - dockerfile.instructions.data()], target.name);
    target.base = stage.parts.image;
    target.platform = stage.parts.platform.value_or("");
    target.line = stage.from->location.line;
    target.end_line = std::max(stage.from->location.line, stage.from->location.end_line);
    out.push_back(std::move(target));
  }
  if (!out.empty()) out.back().is_default = true;
  return out;
}

}  // namespace mybuild::checks

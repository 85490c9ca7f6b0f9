// The planning pass: global ARGs, stages, target and reachable stages, base images and ONBUILD
// triggers, then the dispatch of every planned stage (stage_dispatch.h). See planner.h for the order.
#include "src/planner/planner.h"

#include <algorithm>
#include <cctype>
#include <memory>
#include <regex>
#include <set>

#include "src/frontend/parser.h"
#include "src/frontend/text_util.h"
#include "src/planner/instruction_flags.h"
#include "src/planner/run_mount.h"
#include "src/planner/stage_dispatch.h"
#include "src/planner/stage_table.h"
#include "src/planner/word_expander.h"

namespace mybuild::planner {
namespace {

using frontend::Instruction;

bool AllDigits(const std::string& s) {
  return !s.empty() && s.size() < 10 &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

std::string Trimmed(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// Build args that are never reported as unused: the automatic platform args and the proxy variables
// (passed to RUN without an ARG by the reference), BuildKit's own settings and SOURCE_DATE_EPOCH.
bool IsBuiltinArg(const std::string& name) {
  static const std::set<std::string> kBuiltins = {
      "BUILDPLATFORM", "BUILDOS", "BUILDOSVERSION", "BUILDARCH", "BUILDVARIANT", "TARGETPLATFORM",
      "TARGETOS", "TARGETOSVERSION", "TARGETARCH", "TARGETVARIANT", "TARGETSTAGE", "HTTP_PROXY",
      "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY", "ftp_proxy", "NO_PROXY", "no_proxy",
      "ALL_PROXY", "all_proxy", "SOURCE_DATE_EPOCH"};
  return kBuiltins.count(name) > 0 || name.rfind("BUILDKIT_", 0) == 0;
}

class Planner {
 public:
  Planner(const frontend::Dockerfile& dockerfile, const PlanInputs& inputs)
      : df_(dockerfile), in_(inputs), expander_(dockerfile.escape) {}

  StatusOr<BuildPlan> Run();

 private:
  Status SplitStages();
  void SetDefaultArgs(const std::string& target_name);
  Status EvaluateGlobalArgs();
  Status ResolveFrom(StageHeader& header);
  StatusOr<int> FindTarget() const;
  std::set<int> StaticDeps(const StageHeader& header) const;
  std::set<int> Closure(int target) const;
  Status PrepareBases(const std::set<int>& reachable);
  StatusOr<std::vector<const Instruction*>> ParseTriggers(const StageHeader& header,
                                                          const std::vector<std::string>& lines);
  std::vector<const Instruction*> StageTriggers(const StageHeader& header) const;
  Status DispatchStage(const StageHeader& header);
  StageState NewState(const StageHeader& header);

  const frontend::Dockerfile& df_;
  const PlanInputs& in_;
  WordExpander expander_;
  Platform build_platform_;
  Platform target_platform_;
  EnvList global_args_;
  std::set<std::string> declared_names_;
  std::vector<const Instruction*> meta_args_;
  StageTable table_;
  std::vector<std::string> warnings_;

  std::map<int, ImageConfig> base_configs_;                 // stages with an image base
  std::map<int, std::vector<const Instruction*>> image_triggers_;
  std::vector<std::unique_ptr<frontend::Dockerfile>> trigger_docs_;  // owns parsed triggers
  std::map<int, StageState> done_;                          // dispatched stages
};

Status Planner::SplitStages() {
  for (const Instruction& inst : df_.instructions) {
    if (inst.keyword == "from") {
      StageHeader header;
      header.index = static_cast<int>(table_.stages.size());
      header.from = &inst;
      header.location = inst.location;
      table_.stages.push_back(std::move(header));
      continue;
    }
    if (table_.stages.empty()) {
      if (inst.keyword == "arg") {
        meta_args_.push_back(&inst);
        continue;
      }
      return InvalidArgument("no build stage in current context: " + Trimmed(inst.original) +
                                 " must come after a FROM (only ARG may precede the first FROM)",
                             inst.location);
    }
    table_.stages.back().instructions.push_back(&inst);
  }
  if (table_.stages.empty()) {
    return InvalidArgument("dockerfile contains no stages to build (expected a FROM instruction)",
                           SourceLocation{df_.filename, 0, 0, 0});
  }
  return Status::Ok();
}

void Planner::SetDefaultArgs(const std::string& target_name) {
  const std::pair<const char*, std::string> defaults[] = {
      {"BUILDPLATFORM", build_platform_.ToString()},
      {"BUILDOS", build_platform_.os},
      {"BUILDOSVERSION", ""},
      {"BUILDARCH", build_platform_.architecture},
      {"BUILDVARIANT", build_platform_.variant},
      {"TARGETPLATFORM", target_platform_.ToString()},
      {"TARGETOS", target_platform_.os},
      {"TARGETOSVERSION", ""},
      {"TARGETARCH", target_platform_.architecture},
      {"TARGETVARIANT", target_platform_.variant},
      {"TARGETSTAGE", target_name.empty() ? "default" : target_name},
  };
  for (const auto& [name, value] : defaults) {
    auto it = in_.build_args.find(name);
    global_args_.Set(name, it != in_.build_args.end() ? it->second : value);
  }
}

Status Planner::EvaluateGlobalArgs() {
  for (const Instruction* inst : meta_args_) {
    if (inst->args.empty()) return InvalidArgument("ARG requires at least one argument", inst->location);
    for (const std::string& word : inst->args) {
      std::string key = word;
      std::optional<std::string> value;
      size_t eq = word.find('=');
      if (eq != std::string::npos) {
        key = word.substr(0, eq);
        if (key.empty()) return InvalidArgument("ARG names can not be blank", inst->location);
        value = word.substr(eq + 1);
      }
      declared_names_.insert(key);
      auto given = in_.build_args.find(key);
      if (given != in_.build_args.end()) {
        value = given->second;
      } else if (value) {
        auto expanded = expander_.WordWithMatches(*value, global_args_);
        if (!expanded.ok()) return expanded.status().WithLocation(inst->location);
        value = expanded->result;
      }
      if (value) global_args_.Set(key, *value);
    }
  }
  return Status::Ok();
}

Status Planner::ResolveFrom(StageHeader& header) {
  const Instruction& from = *header.from;
  InstructionFlags flags;
  flags.AddString("platform");
  Status status = flags.Parse(from.flags);
  if (!status.ok()) return status.WithLocation(from.location);
  const std::vector<std::string>& args = from.args;
  if (args.size() == 3 && frontend::AsciiLower(args[1]) == "as") {
    header.name = frontend::AsciiLower(args[2]);
    static const std::regex kValidName("^[a-z][a-z0-9-_.]*$");
    if (!std::regex_match(header.name, kValidName)) {
      return InvalidArgument("invalid name for build stage: \"" + args[2] +
                                 "\", name can't start with a number or contain symbols",
                             from.location);
    }
    if (table_.FindEarlier(header.name, header.index) >= 0) {
      warnings_.push_back(from.location.ToString() + ": duplicate stage name \"" + header.name + "\"");
    }
  } else if (args.size() != 1) {
    return InvalidArgument("FROM requires either one or three arguments (FROM image [AS name])", from.location);
  }
  auto base = expander_.WordWithMatches(args[0], global_args_);
  if (!base.ok()) return base.status().WithLocation(from.location);
  if (base->result.empty()) {
    return InvalidArgument("base name (" + args[0] + ") should not be blank", from.location);
  }
  const std::string& name = base->result;
  header.platform = target_platform_;
  if (flags.Used("platform")) {
    const std::string& raw = flags.Value("platform");
    auto expanded = expander_.Word(raw, global_args_);
    if (!expanded.ok()) {
      return expanded.status().WithContext("failed to process arguments for platform " + raw).WithLocation(from.location);
    }
    if (expanded->empty()) return InvalidArgument("empty platform value from expression " + raw, from.location);
    auto platform = ParsePlatform(*expanded);
    if (!platform.ok()) {
      return platform.status().WithContext("failed to parse platform " + raw).WithLocation(from.location);
    }
    header.platform = *platform;
    header.platform_given = true;
  }
  if (name == "scratch") {
    header.base_kind = Stage::BaseKind::kScratch;
    return Status::Ok();
  }
  int stage = table_.FindEarlier(name, header.index);
  if (stage < 0 && AllDigits(name) && std::stoi(name) < header.index) stage = std::stoi(name);
  if (stage >= 0) {
    header.base_kind = Stage::BaseKind::kStage;
    header.base_stage = stage;
    header.platform = table_.stages[stage].platform;  // a stage inherits its base stage's platform
    return Status::Ok();
  }
  header.base_kind = Stage::BaseKind::kImage;
  header.base_image = name;
  return Status::Ok();
}

StatusOr<int> Planner::FindTarget() const {
  if (in_.target.empty()) return table_.stages.back().index;
  int index = table_.FindAny(in_.target);
  if (index < 0) {
    std::string names = table_.Names();
    return Status(StatusCode::kNotFound, "target stage \"" + in_.target + "\" could not be found" +
                                             (names.empty() ? " (the Dockerfile has no named stages)"
                                                            : " (available stages: " + names + ")"));
  }
  return index;
}

// The stages a stage reads, from its FROM and the --from / --mount from= words of its instructions.
// Unresolvable references are left to the dispatch, which reports them with their location.
std::set<int> Planner::StaticDeps(const StageHeader& header) const {
  std::set<int> deps;
  if (header.base_kind == Stage::BaseKind::kStage) deps.insert(header.base_stage);
  auto add = [&](const std::string& from) {
    if (from.empty() || from.find('$') != std::string::npos) return;
    auto ref = ResolveSourceName(table_, from, header.index);
    if (ref.ok() && ref->kind == SourceRef::Kind::kStage) deps.insert(ref->stage);
  };
  auto scan = [&](const Instruction& inst) {
    for (const std::string& flag : inst.flags) {
      if (inst.keyword == "copy" && flag.rfind("--from=", 0) == 0) add(flag.substr(7));
      if (inst.keyword == "run" && flag.rfind("--mount=", 0) == 0) add(RunMountFrom(flag.substr(8)));
    }
  };
  for (const Instruction* inst : header.instructions) scan(*inst);
  for (const Instruction* trigger : StageTriggers(header)) scan(*trigger);
  return deps;
}

std::set<int> Planner::Closure(int target) const {
  std::set<int> seen;
  std::vector<int> todo = {target};
  while (!todo.empty()) {
    int index = todo.back();
    todo.pop_back();
    if (!seen.insert(index).second) continue;
    for (int dep : StaticDeps(table_.stages[index])) {
      if (dep < index) todo.push_back(dep);
    }
  }
  return seen;
}

// The ONBUILD triggers a stage runs: those of its base stage's instructions, or of its base image.
std::vector<const Instruction*> Planner::StageTriggers(const StageHeader& header) const {
  std::vector<const Instruction*> triggers;
  if (header.base_kind == Stage::BaseKind::kStage) {
    for (const Instruction* inst : table_.stages[header.base_stage].instructions) {
      if (inst->keyword == "onbuild" && inst->onbuild) triggers.push_back(inst->onbuild.get());
    }
  } else if (auto it = image_triggers_.find(header.index); it != image_triggers_.end()) {
    triggers = it->second;
  }
  return triggers;
}

StatusOr<std::vector<const Instruction*>> Planner::ParseTriggers(const StageHeader& header,
                                                                 const std::vector<std::string>& lines) {
  std::vector<const Instruction*> triggers;
  for (const std::string& line : lines) {
    auto parsed = frontend::ParseDockerfile(line, df_.filename);
    if (!parsed.ok()) {
      return Status(parsed.status().code(), "invalid ONBUILD trigger \"" + line + "\" of the base: " +
                                                parsed.status().message());
    }
    auto doc = std::make_unique<frontend::Dockerfile>(std::move(parsed).value());
    if (doc->instructions.size() != 1) {
      return InvalidArgument("onbuild trigger should be a single expression: \"" + line + "\"");
    }
    const std::string keyword = doc->instructions[0].keyword;
    if (keyword == "onbuild" || keyword == "from" || keyword == "maintainer") {
      return InvalidArgument("invalid ONBUILD trigger \"" + line + "\" of the base: " +
                             (keyword == "onbuild" ? std::string("chaining ONBUILD is not allowed")
                                                   : frontend::AsciiUpper(keyword) +
                                                         " isn't allowed as an ONBUILD trigger"));
    }
    triggers.push_back(&doc->instructions[0]);
    trigger_docs_.push_back(std::move(doc));
  }
  return triggers;
}

Status Planner::PrepareBases(const std::set<int>& reachable) {
  for (int index : reachable) {
    const StageHeader& header = table_.stages[index];
    if (header.base_kind != Stage::BaseKind::kImage || base_configs_.count(index)) continue;
    if (in_.resolver == nullptr) {
      return Status(StatusCode::kFailedPrecondition,
                    "cannot resolve base image \"" + header.base_image + "\": no image resolver was given",
                    header.location);
    }
    auto config = in_.resolver->Resolve(header.base_image, header.platform);
    if (!config.ok()) return config.status().WithLocation(header.location);
    auto triggers = ParseTriggers(header, config->on_build);
    if (!triggers.ok()) return triggers.status().WithLocation(header.location);
    image_triggers_[index] = *triggers;
    base_configs_[index] = std::move(config).value();
  }
  return Status::Ok();
}

StageState Planner::NewState(const StageHeader& header) {
  StageState state;
  if (header.base_kind == Stage::BaseKind::kStage) {
    const StageState& base = done_.at(header.base_stage);
    state.config = base.config;
    state.env = base.env;
    state.args = base.args;
  } else {
    if (header.base_kind == Stage::BaseKind::kImage) state.config = base_configs_.at(header.index);
    if (state.config.os.empty()) state.config.os = header.platform.os;
    if (state.config.architecture.empty()) {
      state.config.architecture = header.platform.architecture;
      state.config.variant = header.platform.variant;
    }
    bool has_path = std::any_of(state.config.env.begin(), state.config.env.end(),
                                [](const std::string& e) { return e.rfind("PATH=", 0) == 0; });
    if (!has_path) state.config.env.push_back(std::string("PATH=") + kDefaultPathEnv);
    state.env = EnvList::FromStrings(state.config.env);
    // As BuildKit, which dispatches the base image's workdir as a WORKDIR against itself: an absolute one
    // stays as written, a relative "app" becomes "/app/app".
    if (!state.config.working_dir.empty()) {
      state.config.working_dir = NormalizeWorkdir(state.config.working_dir, state.config.working_dir);
    }
  }
  // BuildKit's empty image (FROM scratch) has WorkingDir "/"; ONBUILD triggers never carry over to the
  // next stage, ArgsEscaped does (BuildKit's dispatchState clones the base config).
  if (header.base_kind == Stage::BaseKind::kScratch) state.config.working_dir = "/";
  state.config.on_build.clear();
  state.expander = &expander_;
  state.build_args = &in_.build_args;
  state.global_args = &global_args_;
  state.table = &table_;
  state.declared_names = &declared_names_;
  state.stage_index = header.index;
  state.platform = header.platform;
  return state;
}

Status Planner::DispatchStage(const StageHeader& header) {
  StageState state = NewState(header);
  const int base_history = static_cast<int>(state.config.history.size());
  auto run = [&](const Instruction& inst, bool from_onbuild, const SourceLocation& location) -> Status {
    size_t first_new = state.steps.size();
    Status status = DispatchInstruction(state, inst, from_onbuild);
    if (!status.ok()) {
      if (from_onbuild) status = status.WithContext("ONBUILD trigger \"" + Trimmed(inst.original) + "\"");
      return status.WithLocation(location);
    }
    for (size_t i = first_new; i < state.steps.size(); ++i) {
      state.steps[i].location = location;
      state.steps[i].instruction = Trimmed(inst.original);
      state.steps[i].from_onbuild = from_onbuild;
    }
    return Status::Ok();
  };
  // Triggers run as the recorded text parses (for a base stage, its ONBUILD lines with their heredocs).
  std::vector<const Instruction*> triggers = StageTriggers(header);
  if (header.base_kind == Stage::BaseKind::kStage) {
    auto parsed = ParseTriggers(header, done_.at(header.base_stage).config.on_build);
    if (!parsed.ok()) return parsed.status().WithLocation(header.location);
    triggers = *parsed;
  }
  for (const Instruction* trigger : triggers) {
    MB_RETURN_IF_ERROR(run(*trigger, true, header.location));
  }
  for (const Instruction* inst : header.instructions) {
    MB_RETURN_IF_ERROR(run(*inst, false, inst->location));
  }
  state.base_history_length = base_history;
  done_[header.index] = std::move(state);
  return Status::Ok();
}

StatusOr<BuildPlan> Planner::Run() {
  build_platform_ = in_.build_platform.value_or(HostPlatform());
  target_platform_ = in_.target_platform.value_or(build_platform_);
  MB_RETURN_IF_ERROR(SplitStages());

  std::string target_name = in_.target;
  if (target_name.empty()) {
    const Instruction& last = *table_.stages.back().from;
    if (last.args.size() == 3) target_name = frontend::AsciiLower(last.args[2]);
  }
  SetDefaultArgs(frontend::AsciiLower(target_name));
  MB_RETURN_IF_ERROR(EvaluateGlobalArgs());
  for (StageHeader& header : table_.stages) MB_RETURN_IF_ERROR(ResolveFrom(header));
  MB_ASSIGN_OR_RETURN(int target, FindTarget());

  // Base images can bring ONBUILD triggers that read other stages: resolve until nothing new appears.
  std::set<int> reachable = Closure(target);
  while (true) {
    MB_RETURN_IF_ERROR(PrepareBases(reachable));
    std::set<int> next = Closure(target);
    if (next == reachable) break;
    reachable = std::move(next);
  }

  for (int index : reachable) MB_RETURN_IF_ERROR(DispatchStage(table_.stages[index]));

  BuildPlan plan;
  plan.build_platform = build_platform_;
  plan.target_platform = target_platform_;
  plan.target_index = target;
  for (int index : reachable) {
    const StageHeader& header = table_.stages[index];
    StageState& state = done_.at(index);
    Stage stage;
    stage.index = index;
    stage.name = header.name;
    stage.location = header.location;
    stage.base_kind = header.base_kind;
    stage.base_image = header.base_image;
    stage.base_stage = header.base_stage;
    stage.platform = header.platform;
    stage.base_history_length = state.base_history_length;
    std::set<int> deps;
    if (header.base_kind == Stage::BaseKind::kStage) deps.insert(header.base_stage);
    for (const SourceRef& ref : state.sources) {
      if (ref.kind == SourceRef::Kind::kStage) deps.insert(ref.stage);
      if (ref.kind == SourceRef::Kind::kImage &&
          std::find(stage.images_used.begin(), stage.images_used.end(), ref.image) == stage.images_used.end()) {
        stage.images_used.push_back(ref.image);
      }
    }
    stage.depends_on.assign(deps.begin(), deps.end());
    stage.steps = std::move(state.steps);
    stage.config = state.config;
    plan.stages.push_back(std::move(stage));
  }
  Stage& final_stage = plan.stages.back();
  for (const auto& [key, value] : in_.labels) final_stage.config.labels[key] = value;
  if (in_.target_platform) {
    // An explicitly requested platform is what the result claims, even if the last stage ran elsewhere
    // (FROM --platform=$BUILDPLATFORM …), as the reference does.
    final_stage.config.os = target_platform_.os;
    final_stage.config.architecture = target_platform_.architecture;
    final_stage.config.variant = target_platform_.variant;
  }

  std::vector<std::string> unused;
  for (const auto& [name, value] : in_.build_args) {
    if (!declared_names_.count(name) && !IsBuiltinArg(name)) unused.push_back(name);
  }
  if (!unused.empty()) {
    std::string list;
    for (const std::string& name : unused) list += (list.empty() ? "" : " ") + name;
    warnings_.push_back("One or more build-args [" + list + "] were not consumed");
  }
  plan.warnings = std::move(warnings_);
  return plan;
}

}  // namespace

StatusOr<BuildPlan> Plan(const frontend::Dockerfile& dockerfile, const PlanInputs& inputs) {
  return Planner(dockerfile, inputs).Run();
}

}  // namespace mybuild::planner

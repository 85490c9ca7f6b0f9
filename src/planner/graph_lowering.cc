#include "src/planner/graph_lowering.h"

#include <cstdio>
#include <optional>
#include <utility>
#include <vector>

#include "src/frontend/text_util.h"

namespace mybuild::planner {
namespace {

graph::Platform ToGraphPlatform(const Platform& platform) {
  return graph::Platform{platform.os, platform.architecture, platform.variant};
}

std::string OctalMode(uint32_t mode) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04o", mode);
  return buffer;
}

graph::MountType ToGraphMountType(MountType type) {
  switch (type) {
    case MountType::kBind: return graph::MountType::kBind;
    case MountType::kCache: return graph::MountType::kCache;
    case MountType::kTmpfs: return graph::MountType::kTmpfs;
    case MountType::kSecret: return graph::MountType::kSecret;
    case MountType::kSsh: return graph::MountType::kSsh;
  }
  return graph::MountType::kBind;
}

graph::CacheSharing ToGraphSharing(CacheSharing sharing) {
  switch (sharing) {
    case CacheSharing::kShared: return graph::CacheSharing::kShared;
    case CacheSharing::kPrivate: return graph::CacheSharing::kPrivate;
    case CacheSharing::kLocked: return graph::CacheSharing::kLocked;
  }
  return graph::CacheSharing::kShared;
}

graph::NetworkMode ToGraphNetwork(NetworkMode mode) {
  switch (mode) {
    case NetworkMode::kDefault: return graph::NetworkMode::kDefault;
    case NetworkMode::kNone: return graph::NetworkMode::kNone;
    case NetworkMode::kHost: return graph::NetworkMode::kHost;
  }
  return graph::NetworkMode::kDefault;
}

// Lowers one plan; holds the vertices made so far.
class Lowering {
 public:
  Lowering(const std::map<std::string, PinnedImage>& images, const LoweringOptions& options)
      : images_(images), default_network_(options.default_network), extra_hosts_(options.extra_hosts) {}

  // `label` names the stage in progress text ("" for a one-stage build), as BuildKit does:
  // "[builder 2/4] RUN make", "[3/3] COPY . /app"; the FROM is step 1.
  Status LowerStage(const Stage& stage, const std::string& label, bool ignore_cache) {
    const size_t count = stage.steps.size() + 1;
    auto step_name = [&](size_t number, const std::string& text) {
      return "[" + (label.empty() ? "" : label + " ") + std::to_string(number) + "/" + std::to_string(count) + "] " +
             text;
    };
    MB_ASSIGN_OR_RETURN(graph::VertexIndex current, BaseVertex(stage, step_name(1, "FROM ")));
    for (size_t i = 0; i < stage.steps.size(); ++i) {
      const Step& step = stage.steps[i];
      graph::Platform platform = ToGraphPlatform(stage.platform);
      const std::string name = step_name(i + 2, step.instruction);
      StatusOr<graph::VertexIndex> next = std::visit(
          [&](const auto& op) { return LowerStep(op, step, name, current, platform); }, step.op);
      if (!next.ok()) return next.status().WithLocation(step.location);
      current = *next;
      if (ignore_cache) builder_.SetIgnoreCache(current, true);
    }
    stage_results_[stage.index] = current;
    return Status::Ok();
  }

  LoweredGraph Finish(int target_index) && {
    LoweredGraph out;
    out.target = stage_results_.at(target_index);
    out.stage_results = std::move(stage_results_);
    out.graph = std::move(builder_).Build();
    return out;
  }

 private:
  StatusOr<graph::VertexIndex> BaseVertex(const Stage& stage, const std::string& name) {
    switch (stage.base_kind) {
      case Stage::BaseKind::kScratch:
        return Add(graph::SourceOp{graph::ScratchSource{}}, {}, name + "scratch", stage.location);
      case Stage::BaseKind::kStage: {
        auto found = stage_results_.find(stage.base_stage);
        if (found == stage_results_.end()) {
          return Internal("stage " + std::to_string(stage.base_stage) + " is used before it is planned");
        }
        return found->second;
      }
      case Stage::BaseKind::kImage:
        return ImageVertex(stage.base_image, stage.platform, name + stage.base_image, stage.location);
    }
    return Internal("unknown stage base");
  }

  StatusOr<graph::VertexIndex> ImageVertex(const std::string& reference, const Platform& platform,
                                           const std::string& name, const SourceLocation& location) {
    auto pinned = images_.find(reference);
    if (pinned == images_.end()) {
      return InvalidArgument("image \"" + reference + "\" was not resolved", location);
    }
    std::string key = pinned->second.manifest_digest + "|" + platform.ToString();
    if (auto existing = image_vertices_.find(key); existing != image_vertices_.end()) return existing->second;
    graph::ImageSource source{pinned->second.reference, pinned->second.manifest_digest,
                              ToGraphPlatform(platform)};
    MB_ASSIGN_OR_RETURN(graph::VertexIndex index, Add(graph::SourceOp{source}, {}, name, location));
    image_vertices_[key] = index;
    return index;
  }

  StatusOr<graph::VertexIndex> ContextVertex() {
    if (context_) return *context_;
    MB_ASSIGN_OR_RETURN(graph::VertexIndex index,
                        Add(graph::SourceOp{graph::LocalSource{}}, {}, "[internal] load build context", {}));
    context_ = index;
    return index;
  }

  StatusOr<graph::VertexIndex> SourceVertex(const SourceRef& ref, const Platform& platform,
                                            const SourceLocation& location) {
    switch (ref.kind) {
      case SourceRef::Kind::kContext:
        return ContextVertex();
      case SourceRef::Kind::kStage: {
        auto found = stage_results_.find(ref.stage);
        if (found == stage_results_.end()) {
          return Internal("stage " + std::to_string(ref.stage) + " is read before it is planned");
        }
        return found->second;
      }
      case SourceRef::Kind::kImage:
        return ImageVertex(ref.image, platform, "[internal] load " + ref.image, location);
    }
    return Internal("unknown source kind");
  }

  StatusOr<graph::VertexIndex> LowerStep(const RunStep& run, const Step& step, const std::string& name,
                                         graph::VertexIndex current, const graph::Platform& platform) {
    graph::ExecOp exec;
    exec.args = run.args;
    exec.env = run.env;
    exec.cwd = run.workdir.empty() ? "/" : run.workdir;
    exec.user = run.user;
    exec.network = ToGraphNetwork(run.network == NetworkMode::kDefault ? default_network_ : run.network);
    exec.extra_hosts = extra_hosts_;
    exec.shell_form = run.shell_form;
    exec.insecure = run.security == SecurityMode::kInsecure;
    exec.platform = platform;
    std::vector<graph::VertexIndex> inputs = {current};
    for (const RunMount& mount : run.mounts) {
      graph::Mount lowered;
      lowered.type = ToGraphMountType(mount.type);
      lowered.target = mount.target;
      lowered.readonly = mount.readonly;
      lowered.cache_id = mount.id;
      lowered.sharing = ToGraphSharing(mount.sharing);
      lowered.secret_id = mount.id;
      lowered.required = mount.required;
      lowered.mode = mount.mode;
      lowered.uid = mount.uid;
      lowered.gid = mount.gid;
      if (mount.type == MountType::kSecret) lowered.env = mount.env;
      lowered.size_bytes = mount.size_bytes > 0 ? static_cast<uint64_t>(mount.size_bytes) : 0;
      // A cache's source is a path inside its from= (or, without from=, inside the cache itself).
      if (mount.type == MountType::kCache && !mount.source.empty()) lowered.source_path = mount.source;
      bool has_source = mount.type == MountType::kBind || (mount.type == MountType::kCache && mount.from_given);
      if (has_source) {
        Platform source_platform{platform.os, platform.architecture, platform.variant};
        MB_ASSIGN_OR_RETURN(graph::VertexIndex source, SourceVertex(mount.from, source_platform, step.location));
        lowered.source = static_cast<graph::InputSlot>(inputs.size());
        lowered.source_path = mount.source.empty() ? "/" : mount.source;
        inputs.push_back(source);
      }
      exec.mounts.push_back(std::move(lowered));
    }
    if (run.script) {
      // The heredoc script is a file in a read-only mount; its content is part of the definition.
      graph::Mount script;
      script.type = graph::MountType::kFile;
      script.target = run.script->mount_dir + run.script->name;
      script.contents = run.script->content;
      script.mode = 0755;
      script.readonly = true;
      exec.mounts.push_back(std::move(script));
    }
    return Add(graph::ExecOp{std::move(exec)}, std::move(inputs), name, step.location);
  }

  StatusOr<graph::VertexIndex> LowerStep(const CopyStep& copy, const Step& step, const std::string& name,
                                         graph::VertexIndex current, const graph::Platform& platform) {
    graph::FileOp file;
    file.platform = platform;
    std::vector<graph::VertexIndex> inputs = {current};
    std::string chmod = copy.chmod ? OctalMode(*copy.chmod) : copy.chmod_symbolic;

    std::vector<std::string> urls;
    std::vector<std::string> paths;
    for (const std::string& source : copy.sources) {
      bool is_url = copy.is_add && (source.rfind("http://", 0) == 0 || source.rfind("https://", 0) == 0 ||
                                    source.rfind("git@", 0) == 0 || source.find(".git#") != std::string::npos);
      (is_url ? urls : paths).push_back(source);
    }
    if (!paths.empty()) {
      Platform source_platform{platform.os, platform.architecture, platform.variant};
      MB_ASSIGN_OR_RETURN(graph::VertexIndex source, SourceVertex(copy.from, source_platform, step.location));
      inputs.push_back(source);
      graph::CopyAction action = BaseCopyAction(copy, chmod);
      action.source = 1;
      action.paths = paths;
      file.actions.emplace_back(std::in_place_type<graph::CopyAction>, std::move(action));
    }
    for (const std::string& url : urls) {
      graph::CopyAction action = BaseCopyAction(copy, chmod);
      action.url = url;
      file.actions.emplace_back(std::in_place_type<graph::CopyAction>, std::move(action));
    }
    for (const InlineSource& inline_source : copy.inline_sources) {
      graph::MkfileAction mkfile;
      bool into_dir = !copy.dest.empty() && copy.dest.back() == '/';
      mkfile.path = into_dir ? copy.dest + inline_source.name : copy.dest;
      mkfile.contents = inline_source.content;
      mkfile.mode = copy.chmod.value_or(0644);
      mkfile.chown = copy.chown;
      file.actions.push_back(std::move(mkfile));
    }
    if (file.actions.empty()) return InvalidArgument("COPY has no source");
    return Add(graph::FileOp{std::move(file)}, std::move(inputs), name, step.location);
  }

  StatusOr<graph::VertexIndex> LowerStep(const WorkdirStep& workdir, const Step& step, const std::string& name,
                                         graph::VertexIndex current, const graph::Platform& platform) {
    graph::FileOp file;
    file.platform = platform;
    graph::MkdirAction mkdir;
    mkdir.path = workdir.path;
    mkdir.chown = workdir.user;
    file.actions.push_back(std::move(mkdir));
    return Add(graph::FileOp{std::move(file)}, {current}, name, step.location);
  }

  static graph::CopyAction BaseCopyAction(const CopyStep& copy, const std::string& chmod) {
    graph::CopyAction action;
    action.dest = copy.dest;
    action.chown = copy.chown;
    action.chmod = chmod;
    action.add = copy.is_add;
    action.link = copy.link;
    action.parents = copy.parents;
    action.excludes = copy.excludes;
    action.keep_git_dir = copy.keep_git_dir.value_or(false);
    action.checksum = copy.checksum;
    action.unpack = copy.unpack.value_or(true);
    return action;
  }

  StatusOr<graph::VertexIndex> Add(graph::Op op, std::vector<graph::VertexIndex> inputs, std::string name,
                                   const SourceLocation& location) {
    return builder_.Add(std::move(op), std::move(inputs), std::move(name), location);
  }

  const std::map<std::string, PinnedImage>& images_;
  const NetworkMode default_network_;
  const std::vector<std::string> extra_hosts_;
  graph::GraphBuilder builder_;
  std::map<int, graph::VertexIndex> stage_results_;
  std::map<std::string, graph::VertexIndex> image_vertices_;
  std::optional<graph::VertexIndex> context_;
};

// Stage names are lower case (plan.h), so a name given in any case matches once lowered.
bool NamedIn(const Stage& stage, const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    if (!stage.name.empty() && frontend::AsciiLower(name) == stage.name) return true;
    if (name == std::to_string(stage.index)) return true;
  }
  return false;
}

}  // namespace

StatusOr<LoweredGraph> LowerToGraph(const BuildPlan& plan, const std::map<std::string, PinnedImage>& images,
                                    const LoweringOptions& options) {
  if (plan.stages.empty()) return InvalidArgument("the build plan has no stage");
  Lowering lowering(images, options);
  for (const Stage& stage : plan.stages) {
    std::string label;
    if (plan.stages.size() > 1) label = stage.name.empty() ? "stage-" + std::to_string(stage.index) : stage.name;
    MB_RETURN_IF_ERROR(lowering.LowerStage(stage, label, NamedIn(stage, options.no_cache_stages)));
  }
  return std::move(lowering).Finish(plan.target_index);
}

}  // namespace mybuild::planner

#include "src/cli/build_pipeline.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <future>
#include <iostream>

#include "src/base/files.h"
#include "src/base/logging.h"
#include "src/cli/image_config_conversion.h"
#include "src/image/layer_variants.h"
#include "src/solver/progress_mode.h"

namespace mybuild::cli {

StatusOr<std::unique_ptr<BuildStore>> OpenBuildStore(const GlobalOptions& global) {
  const std::filesystem::path root = ResolveRoot(global);
  MB_RETURN_IF_ERROR(MakePrivateDir(root));
  MB_ASSIGN_OR_RETURN(cache::FileLock in_use, LockStateRoot(root, cache::FileLock::Mode::kShared));
  MB_ASSIGN_OR_RETURN(cache::BlobStore blobs, cache::BlobStore::Open(root));
  MB_ASSIGN_OR_RETURN(image::ImageStore images, image::ImageStore::Open(root));
  return std::unique_ptr<BuildStore>(new BuildStore{root, std::move(in_use), std::move(blobs), std::move(images)});
}

WorkerServices::WorkerServices(ScratchDir scratch, std::unique_ptr<snapshotter::Snapshotter> snapshots,
                               std::unique_ptr<fileops::FileStatCache> stat_cache)
    : scratch_(std::move(scratch)),
      snapshots_(std::move(snapshots)),
      executor_(scratch_.path()),
      git_(scratch_.path()),
      stat_cache_(std::move(stat_cache)) {}

StatusOr<std::unique_ptr<WorkerServices>> WorkerServices::Open(const BuildStore& store,
                                                               const std::string& snapshotter_choice) {
  MB_ASSIGN_OR_RETURN(ScratchDir scratch, ScratchDir::Create(store.root));
  MB_ASSIGN_OR_RETURN(std::unique_ptr<snapshotter::Snapshotter> snapshots, OpenSnapshotter(store.root, snapshotter_choice));
  std::unique_ptr<fileops::FileStatCache> stat_cache = fileops::FileStatCache::Load(store.root / "statcache");
  return std::unique_ptr<WorkerServices>(new WorkerServices(std::move(scratch), std::move(snapshots), std::move(stat_cache)));
}

worker::WorkerDeps WorkerServices::Deps(const cache::BlobStore& blobs) {
  return worker::WorkerDeps{&blobs, snapshots_.get(), &executor_, &fetcher_, stat_cache_.get(), &git_};
}

StatusOr<std::map<std::string, std::string>> ParseKeyValues(const std::vector<std::string>& items, const char* flag,
                                                            bool allow_env) {
  std::map<std::string, std::string> out;
  for (const std::string& item : items) {
    size_t equals = item.find('=');
    if (equals == std::string::npos) {
      if (!allow_env) return InvalidArgument(std::string("invalid ") + flag + " \"" + item + "\": expected KEY=VALUE");
      if (const char* value = std::getenv(item.c_str())) out[item] = value;  // K alone: from the environment
      continue;
    }
    if (equals == 0) return InvalidArgument(std::string("invalid ") + flag + " \"" + item + "\": empty name");
    out[item.substr(0, equals)] = item.substr(equals + 1);
  }
  return out;
}

StatusOr<PlannedBuild> PlanDockerfile(const frontend::Dockerfile& dockerfile, const PlanSettings& settings,
                                      BuildBaseResolver& resolver) {
  planner::PlanInputs inputs;
  inputs.build_args = settings.build_args;
  inputs.labels = settings.labels;
  inputs.target = settings.target;
  inputs.resolver = &resolver;
  MB_ASSIGN_OR_RETURN(planner::BuildPlan plan, planner::Plan(dockerfile, inputs));
  for (const std::string& warning : plan.warnings) spdlog::warn("{}", warning);
  for (const planner::Stage& stage : plan.stages) {
    for (const std::string& reference : stage.images_used) {
      Status pinned = resolver.PinReference(reference);
      if (!pinned.ok()) return pinned.WithLocation(stage.location);
    }
  }
  planner::LoweringOptions lowering_options;
  lowering_options.no_cache_stages = settings.no_cache_stages;
  lowering_options.default_network = settings.network == "none"   ? planner::NetworkMode::kNone
                                     : settings.network == "host" ? planner::NetworkMode::kHost
                                                                  : planner::NetworkMode::kDefault;
  lowering_options.extra_hosts = settings.extra_hosts;
  MB_ASSIGN_OR_RETURN(planner::LoweredGraph lowered, planner::LowerToGraph(plan, resolver.Pinned(), lowering_options));
  return PlannedBuild{std::move(plan), std::move(lowered)};
}

StatusOr<worker::WorkerOptions> MakeWorkerOptions(const WorkerSettings& settings, const std::filesystem::path& root,
                                                  const std::filesystem::path& scratch, const std::string& work_name) {
  worker::WorkerOptions worker_options;
  worker_options.context_dir = settings.context;
  worker_options.scratch_dir = scratch / work_name;
  worker_options.cache_mounts_dir = root / "cache-mounts";
  worker_options.run_secrets = settings.run_secrets;
  worker_options.run_resources = settings.run_resources;
  worker_options.layer_options.source_date_epoch = settings.epoch;
  // MYBUILD_STREAM_COPIES=0 writes every COPY through a snapshot (tests compare the two ways' layers).
  if (const char* stream = std::getenv("MYBUILD_STREAM_COPIES")) worker_options.stream_copies = std::string(stream) != "0";
  // By default steps write their layers uncompressed: the store keeps them so, and a build into the store
  // waits for no compression. A build that exports writes its image's layers in the export's encoding
  // while it makes them (`exported_layers`); layers of other stages stay uncompressed.
  worker_options.layer_options.compression = image::Compression::kNone;
  worker_options.exported_layers = settings.exported_layers;
  // No host resolv.conf gives RUN none; a broken one is an error rather than a silently empty file.
  MB_ASSIGN_OR_RETURN(std::optional<std::string> resolv, ReadFileIfPresent("/etc/resolv.conf", 1 << 20));
  worker_options.resolv_conf = resolv.value_or(std::string());
  worker_options.hosts = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n";
  return worker_options;
}

std::set<Digest> LayerStepsOf(const graph::BuildGraph& graph, graph::VertexIndex target) {
  std::set<Digest> steps;
  for (graph::VertexIndex index = target; index < graph.size();) {
    const graph::Vertex& vertex = graph.vertex(index);
    if (std::holds_alternative<graph::SourceOp>(vertex.op)) break;
    steps.insert(vertex.digest);
    if (vertex.inputs.empty()) break;  // a file op on an empty filesystem (FROM scratch)
    index = vertex.inputs.front();
  }
  return steps;
}

StatusOr<std::string> ReadDockerignore(const std::string& dockerfile_path, const std::filesystem::path& context) {
  constexpr uint64_t kMaxDockerignoreBytes = 16 << 20;
  if (dockerfile_path != "-" && !dockerfile_path.empty()) {
    const std::filesystem::path beside = dockerfile_path + ".dockerignore";
    StatusOr<std::optional<std::string>> text = ReadFileIfPresent(beside, kMaxDockerignoreBytes);
    if (!text.ok()) return text.status().WithContext("cannot read the ignore file");
    if (*text) return std::move(**text);
  }
  StatusOr<std::optional<std::string>> text = ReadFileBeneathIfPresent(context, ".dockerignore", kMaxDockerignoreBytes);
  if (!text.ok()) return text.status().WithContext("cannot read the ignore file");
  return text->value_or(std::string());
}

StatusOr<solver::SolveResult> SolveGraph(const graph::BuildGraph& graph, const std::vector<graph::VertexIndex>& targets,
                                         solver::StepRunner& runner, solver::CacheIndex& cache_index,
                                         const SolveSettings& settings, solver::CancelToken& cancel) {
  std::string progress_mode = settings.quiet ? "quiet" : settings.progress;
  struct winsize window {};
  const size_t columns = ::ioctl(STDERR_FILENO, TIOCGWINSZ, &window) == 0 ? window.ws_col : 0;
  MB_ASSIGN_OR_RETURN(std::unique_ptr<solver::ProgressSink> progress,
                      solver::MakeProgressSink(progress_mode, std::cerr, ::isatty(STDERR_FILENO) != 0, columns));
  solver::SolveOptions solve_options;
  solve_options.jobs = settings.jobs;
  solve_options.keep_going = settings.keep_going;
  solve_options.no_cache = settings.no_cache;
  solve_options.cancel = &cancel;
  solver::SolveResult solved;
  {
    solver::Solver solver(graph, runner, cache_index, *progress, solve_options);
    solved = solver.Solve(targets);
  }
  MB_RETURN_IF_ERROR(solved.status);
  return solved;
}

Status Interrupted(const InterruptScope& interrupts) {
  return interrupts.signal() != 0 ? Cancelled("build interrupted") : Status::Ok();
}

StatusOr<worker::SnapshotResult> TargetResult(const solver::SolveResult& solved, graph::VertexIndex target) {
  const solver::StepResult* result = solved.ResultOf(target);
  if (result == nullptr) return Internal("the target step has no result");
  return worker::DecodeResult(*result);
}

const image::StoredImage* TargetBaseImage(const planner::BuildPlan& plan, const BaseImageLookup& find_base) {
  const planner::Stage* stage = &plan.target();
  while (stage != nullptr && stage->base_kind == planner::Stage::BaseKind::kStage) stage = plan.FindStage(stage->base_stage);
  if (stage == nullptr || stage->base_kind != planner::Stage::BaseKind::kImage) return nullptr;
  return find_base(stage->base_image);
}

std::future<void> StartBaseLayerEncoding(const cache::BlobStore& blobs, const image::StoredImage& base,
                                         const image::LayerEncoding& encoding, const CancelToken& cancel) {
  std::vector<std::pair<image::Descriptor, Digest>> layers;
  for (size_t i = 0; i < base.manifest.layers.size() && i < base.config.diff_ids.size(); ++i) {
    layers.emplace_back(base.manifest.layers[i], base.config.diff_ids[i]);
  }
  return std::async(std::launch::async, [&blobs, &cancel, layers = std::move(layers), encoding] {
    for (const auto& [layer, diff_id] : layers) {
      if (cancel.IsCancelled()) return;
      // Best effort: a layer that fails here is encoded (and its error reported) by the export itself.
      (void)image::LayerInEncoding(blobs, layer, diff_id, encoding);
    }
  });
}

StatusOr<image::StoredImage> AssembleImage(const cache::BlobStore& blobs, const planner::BuildPlan& plan,
                                           const BaseImageLookup& find_base, const worker::SnapshotResult& result,
                                           const image::LayerOptions& layer_options, std::optional<int64_t> epoch) {
  const planner::Stage& target_stage = plan.target();
  std::vector<Digest> diff_ids;
  std::vector<image::Descriptor> layers;
  for (const worker::LayerRef& layer : result.layers) {
    diff_ids.push_back(layer.diff_id);
    layers.push_back(image::Descriptor{layer.media_type, layer.digest, static_cast<int64_t>(layer.size), {}, {}, {}});
  }
  std::vector<image::HistoryEntry> base_history;
  size_t base_layers = 0;
  if (const image::StoredImage* base = TargetBaseImage(plan, find_base)) {
    base_history = base->config.history;
    base_layers = base->manifest.layers.size();
    // The base image's layers as the store holds them, not as a cache record (perhaps imported,
    // compressed for travel) names them: the image does not depend on where the cache came from.
    for (size_t i = 0; i < std::min(base_layers, layers.size()); ++i) {
      if (i < base->config.diff_ids.size() && base->config.diff_ids[i] == diff_ids[i]) layers[i] = base->manifest.layers[i];
    }
  }
  // Layers built here are in `layer_options`' encoding whatever the cache holds (uncompressed, or the
  // export's encoding when the build exports): a layer cached in another encoding (by a build with other
  // outputs, an older mybuild, or imported from a cache) is re-encoded once and the variant remembered, so
  // the image does not depend on the cache state. The base image's layers stay as stored.
  const image::LayerEncoding built{layer_options.compression, layer_options.levels, /*force=*/true};
  for (size_t i = std::min(base_layers, layers.size()); i < layers.size(); ++i) {
    MB_ASSIGN_OR_RETURN(layers[i], image::LayerInEncoding(blobs, layers[i], diff_ids[i], built));
  }
  // The image is as new as its newest layer, so a build served wholly from the cache is the same image.
  int64_t created = epoch ? *epoch : (result.created > 0 ? result.created : static_cast<int64_t>(std::time(nullptr)));
  image::ImageConfig config = ToImageConfig(target_stage.config, diff_ids, created,
                                            target_stage.base_history_length, base_history);
  return image::StoreImage(blobs, config, layers);
}

}  // namespace mybuild::cli

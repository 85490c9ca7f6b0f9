// `mybuild build`: Dockerfile → AST → plan → step graph → solve on the worker → image → outputs.
// This is where the concrete implementations are chosen and wired together.
#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <iostream>
#include <optional>

#include "src/base/files.h"
#include "src/base/logging.h"
#include "src/cli/build_cache.h"
#include "src/cli/build_command.h"
#include "src/cli/build_export.h"
#include "src/cli/dockerfile_source.h"
#include "src/cli/exit_codes.h"
#include "src/cli/image_config_conversion.h"
#include "src/cli/interrupts.h"
#include "src/cli/output_spec.h"
#include "src/cli/registry_access.h"
#include "src/cli/secret_flags.h"
#include "src/cli/store_access.h"
#include "src/cli/store_base_resolver.h"
#include "src/cli/store_format.h"
#include "src/executor/namespace_executor.h"
#include "src/executor/resources.h"
#include "src/executor/step_cgroup.h"
#include "src/fileops/host_git_client.h"
#include "src/frontend/parser.h"
#include "src/frontend/validate.h"
#include "src/image/image_store.h"
#include "src/image/layer_recompress.h"
#include "src/image/reference.h"
#include "src/planner/graph_lowering.h"
#include "src/planner/planner.h"
#include "src/solver/cache_index.h"
#include "src/solver/progress_mode.h"
#include "src/solver/solver.h"
#include "src/worker/imported_cache_index.h"
#include "src/worker/step_result.h"
#include "src/worker/worker.h"

namespace mybuild::cli {
namespace {

struct BuildOutcome {
  Digest manifest;
  Digest config;
  std::vector<std::string> tags;
  bool wrote_stdout = false;  // an output went to standard output: the digest is printed on stderr
};

StatusOr<std::map<std::string, std::string>> ParseKeyValues(const std::vector<std::string>& items,
                                                              const char* flag, bool allow_env) {
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

// Cancelled once an interrupt has cancelled the build (the token alone does not say: the solver also
// sets it on the first failure).
Status Interrupted(const InterruptScope& interrupts) {
  return interrupts.signal() != 0 ? Cancelled("build interrupted") : Status::Ok();
}

// What the command line asks for, read and checked before any state is touched.
struct BuildRequest {
  std::filesystem::path context;
  std::string dockerfile_path;  // "-" for standard input
  frontend::Dockerfile dockerfile;
  std::vector<OutputSpec> outputs;
  std::optional<int64_t> epoch;  // SOURCE_DATE_EPOCH
  std::vector<CacheImportSpec> cache_from;
  std::vector<CacheExportSpec> cache_to;
  std::map<std::string, std::string> build_args;  // --build-arg
  std::map<std::string, std::string> labels;      // --label
  worker::RunSecrets run_secrets;  // --secret, --ssh
  executor::Resources run_resources;  // --ulimit, --shm-size, --cgroup-parent
};

// The flag values that are wrong whatever the Dockerfile and the state are (a bad -o, --cache-to,
// --build-arg or --label): a usage error, exit 2, before anything is read or written.
StatusOr<BuildRequest> ParseFlags(const BuildOptions& options) {
  BuildRequest request;
  for (const std::string& text : options.outputs) {
    MB_ASSIGN_OR_RETURN(OutputSpec output, ParseOutputSpec(text));
    std::error_code error;
    if (output.type == OutputSpec::Type::kLocal && std::filesystem::exists(output.dest, error) &&
        !std::filesystem::is_directory(output.dest, error)) {
      return InvalidArgument("output \"" + text + "\" is type=local (a directory; a bare path is one, as in buildx) but \"" +
                             output.dest + "\" is an existing file: for one tar file say -o type=tar,dest=" +
                             output.dest);
    }
    request.outputs.push_back(std::move(output));
  }
  if (options.push) {  // --push is -o type=registry
    MB_ASSIGN_OR_RETURN(OutputSpec push, ParseOutputSpec("type=registry"));
    request.outputs.push_back(std::move(push));
  }
  for (const std::string& text : options.cache_from) {
    MB_ASSIGN_OR_RETURN(CacheImportSpec spec, ParseCacheFrom(text));
    request.cache_from.push_back(std::move(spec));
  }
  for (const std::string& text : options.cache_to) {
    MB_ASSIGN_OR_RETURN(CacheExportSpec spec, ParseCacheTo(text));
    request.cache_to.push_back(std::move(spec));
  }
  MB_ASSIGN_OR_RETURN(request.build_args, ParseKeyValues(options.build_args, "--build-arg", true));
  MB_ASSIGN_OR_RETURN(request.labels, ParseKeyValues(options.labels, "--label", false));
  MB_ASSIGN_OR_RETURN(request.run_resources, executor::ParseResourceFlags({.ulimits = options.ulimits,
                                                                          .shm_size = options.shm_size,
                                                                          .cgroup_parent = options.cgroup_parent}));
  // Before anything runs: a cgroup that this host cannot give fails the build up front.
  if (request.run_resources.NeedsCgroup()) MB_RETURN_IF_ERROR(executor::CgroupV2Root(request.run_resources).status());
  return request;
}

StatusOr<BuildRequest> ReadRequest(const BuildOptions& options, BuildRequest request) {
  request.context = options.context;
  if (!std::filesystem::is_directory(request.context)) {
    return InvalidArgument("build context \"" + options.context + "\" is not a directory");
  }
  request.dockerfile_path = options.file.empty() ? (request.context / "Dockerfile").string() : options.file;
  MB_ASSIGN_OR_RETURN(DockerfileSource source, ReadDockerfile(request.dockerfile_path));
  MB_ASSIGN_OR_RETURN(request.dockerfile, frontend::ParseDockerfile(source.text, source.name));
  for (const frontend::Warning& warning : request.dockerfile.warnings) {
    spdlog::warn("{}: {}", warning.location.ToString(), warning.message);
  }
  MB_RETURN_IF_ERROR(frontend::ValidateInstructions(request.dockerfile));
  MB_ASSIGN_OR_RETURN(request.run_secrets, LoadRunSecrets(options.secrets, options.ssh, ProcessEnvironment()));
  if (!options.platform.empty()) {
    MB_ASSIGN_OR_RETURN(planner::Platform requested, planner::ParsePlatform(options.platform));
    planner::Platform host = planner::HostPlatform();
    if (requested.os != host.os || requested.architecture != host.architecture) {
      return Unimplemented("building for " + requested.ToString() + " on a " + host.ToString() +
                           " host is not supported (no emulation)");
    }
  }
  MB_ASSIGN_OR_RETURN(request.epoch, SourceDateEpochFromEnv());
  return request;
}

// The plan of the Dockerfile (base images pinned in `resolver`) and its step graph.
struct PlannedBuild {
  planner::BuildPlan plan;
  planner::LoweredGraph lowered;
};

StatusOr<PlannedBuild> PlanBuild(const BuildRequest& request, const BuildOptions& options,
                                 StoreBaseResolver& resolver) {
  planner::PlanInputs inputs;
  inputs.build_args = request.build_args;
  inputs.labels = request.labels;
  inputs.target = options.target;
  inputs.resolver = &resolver;
  MB_ASSIGN_OR_RETURN(planner::BuildPlan plan, planner::Plan(request.dockerfile, inputs));
  for (const std::string& warning : plan.warnings) spdlog::warn("{}", warning);
  for (const planner::Stage& stage : plan.stages) {
    for (const std::string& reference : stage.images_used) {
      Status pinned = resolver.Pin(reference).status();
      if (!pinned.ok()) return pinned.WithLocation(stage.location);
    }
  }
  planner::LoweringOptions lowering_options;
  lowering_options.no_cache_stages = options.no_cache_filter;
  lowering_options.default_network = options.network == "none"   ? planner::NetworkMode::kNone
                                     : options.network == "host" ? planner::NetworkMode::kHost
                                                                 : planner::NetworkMode::kDefault;
  MB_ASSIGN_OR_RETURN(planner::LoweredGraph lowered, planner::LowerToGraph(plan, resolver.pinned(), lowering_options));
  return PlannedBuild{std::move(plan), std::move(lowered)};
}

StatusOr<worker::WorkerOptions> MakeWorkerOptions(const BuildRequest& request, const std::filesystem::path& root,
                                                  const std::filesystem::path& scratch) {
  worker::WorkerOptions worker_options;
  worker_options.context_dir = request.context;
  worker_options.scratch_dir = scratch / "work";
  worker_options.cache_mounts_dir = root / "cache-mounts";
  worker_options.run_secrets = request.run_secrets;
  worker_options.run_resources = request.run_resources;
  worker_options.layer_options.source_date_epoch = request.epoch;
  // MYBUILD_STREAM_COPIES=0 writes every COPY through a snapshot (tests compare the two ways' layers).
  if (const char* stream = std::getenv("MYBUILD_STREAM_COPIES")) worker_options.stream_copies = std::string(stream) != "0";
  for (const OutputSpec& output : request.outputs) {
    if (output.compression) worker_options.layer_options.compression = *output.compression;
  }
  // No host resolv.conf gives RUN none; a broken one is an error rather than a silently empty file.
  MB_ASSIGN_OR_RETURN(std::optional<std::string> resolv, ReadFileIfPresent("/etc/resolv.conf", 1 << 20));
  worker_options.resolv_conf = resolv.value_or(std::string());
  worker_options.hosts = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n";
  return worker_options;
}

// The ignore file: DOCKERFILE.dockerignore beside the Dockerfile wins over CONTEXT/.dockerignore. A
// missing file means no patterns; any other failure (too large, a directory, unreadable, a symlink out of
// the context) fails the build, since ignoring it would send the files it lists.
StatusOr<std::string> ReadDockerignore(const BuildRequest& request) {
  constexpr uint64_t kMaxDockerignoreBytes = 16 << 20;
  if (request.dockerfile_path != "-") {
    const std::filesystem::path beside = request.dockerfile_path + ".dockerignore";
    StatusOr<std::optional<std::string>> text = ReadFileIfPresent(beside, kMaxDockerignoreBytes);
    if (!text.ok()) return text.status().WithContext("cannot read the ignore file");
    if (*text) return std::move(**text);
  }
  StatusOr<std::optional<std::string>> text =
      ReadFileBeneathIfPresent(request.context, ".dockerignore", kMaxDockerignoreBytes);
  if (!text.ok()) return text.status().WithContext("cannot read the ignore file");
  return text->value_or(std::string());
}

// Runs the graph to its target on the worker, with progress on stderr, until done or `cancel` is set
// (by an interrupt: see interrupts.h).
StatusOr<solver::SolveResult> SolveGraph(const planner::LoweredGraph& lowered, worker::Worker& worker,
                                         solver::CacheIndex& cache_index, const BuildOptions& options,
                                         solver::CancelToken& cancel) {
  std::string progress_mode = options.quiet ? "quiet" : options.progress;
  struct winsize window {};
  const size_t columns = ::ioctl(STDERR_FILENO, TIOCGWINSZ, &window) == 0 ? window.ws_col : 0;
  MB_ASSIGN_OR_RETURN(std::unique_ptr<solver::ProgressSink> progress,
                      solver::MakeProgressSink(progress_mode, std::cerr, ::isatty(STDERR_FILENO) != 0, columns));
  solver::SolveOptions solve_options;
  solve_options.jobs = options.jobs;
  solve_options.keep_going = options.keep_going;
  solve_options.no_cache = options.no_cache;
  solve_options.cancel = &cancel;
  solver::SolveResult solved;
  {
    solver::Solver solver(lowered.graph, worker, cache_index, *progress, solve_options);
    const std::vector<graph::VertexIndex> targets = {lowered.target};
    solved = solver.Solve(targets);
  }
  MB_RETURN_IF_ERROR(solved.status);
  return solved;
}

// The result of the build's target step.
StatusOr<worker::SnapshotResult> TargetResult(const solver::SolveResult& solved, graph::VertexIndex target) {
  const solver::StepResult* result = solved.ResultOf(target);
  if (result == nullptr) return Internal("the target step has no result");
  return worker::DecodeResult(*result);
}

// The image of the target stage: its layers (those built here in the output's compression), its config
// with the base image's history, stored as blobs.
StatusOr<image::StoredImage> AssembleImage(const cache::BlobStore& blobs, const PlannedBuild& planned,
                                           const StoreBaseResolver& resolver, const worker::SnapshotResult& result,
                                           const image::LayerOptions& layer_options, std::optional<int64_t> epoch) {
  const planner::Stage& target_stage = planned.plan.target();
  std::vector<Digest> diff_ids;
  std::vector<image::Descriptor> layers;
  for (const worker::LayerRef& layer : result.layers) {
    diff_ids.push_back(layer.diff_id);
    layers.push_back(image::Descriptor{layer.media_type, layer.digest, static_cast<int64_t>(layer.size), {}, {}, {}});
  }
  std::vector<image::HistoryEntry> base_history;
  size_t base_layers = 0;
  const planner::Stage* base_stage = &target_stage;
  while (base_stage != nullptr && base_stage->base_kind == planner::Stage::BaseKind::kStage) {
    base_stage = planned.plan.FindStage(base_stage->base_stage);
  }
  if (base_stage != nullptr && base_stage->base_kind == planner::Stage::BaseKind::kImage) {
    if (const image::StoredImage* base = resolver.Find(base_stage->base_image)) {
      base_history = base->config.history;
      base_layers = base->manifest.layers.size();
    }
  }
  // Layers built here are in the output's compression (gzip unless `-o …,compression=`), whatever the
  // cache holds: a layer cached by a build with another compression is re-encoded. The compressors are
  // deterministic, so the bytes do not depend on the cache state. The base image's layers stay as stored.
  for (size_t i = std::min(base_layers, layers.size()); i < layers.size(); ++i) {
    MB_ASSIGN_OR_RETURN(layers[i], image::RecompressLayer(blobs, layers[i], diff_ids[i], layer_options.compression,
                                                          layer_options.levels));
  }
  // The image is as new as its newest layer, so a build served wholly from the cache is the same image.
  int64_t created = epoch ? *epoch : (result.created > 0 ? result.created : static_cast<int64_t>(std::time(nullptr)));
  image::ImageConfig config = ToImageConfig(target_stage.config, diff_ids, created,
                                            target_stage.base_history_length, base_history);
  return image::StoreImage(blobs, config, layers);
}

// Tags, outputs, --iidfile and --metadata-file.
StatusOr<BuildOutcome> Deliver(const image::StoredImage& image, const BuildRequest& request,
                               const BuildOptions& options, const cache::BlobStore& blobs,
                               image::ImageStore& images, const std::filesystem::path& scratch) {
  BuildOutcome outcome;
  outcome.manifest = image.manifest_digest;
  outcome.config = image.config_digest;
  for (const std::string& tag : options.tags) {
    MB_ASSIGN_OR_RETURN(std::string normalized, image::NormalizeReference(tag));
    MB_RETURN_IF_ERROR(images.Tag(normalized, outcome.manifest));
    outcome.tags.push_back(normalized);
  }
  for (const OutputSpec& output : request.outputs) {
    Status exported = ExportBuild(output, blobs, outcome.manifest, image.manifest, outcome.tags, scratch);
    if (!exported.ok()) return exported.WithContext("exporting to " + output.dest);
    if (output.dest == "-") outcome.wrote_stdout = true;
  }
  if (!options.iidfile.empty()) {
    MB_RETURN_IF_ERROR(WriteFileAtomically(options.iidfile, outcome.config.ToString()));
  }
  if (!options.metadata_file.empty()) {
    nlohmann::json metadata = {{"containerimage.digest", outcome.manifest.ToString()},
                               {"containerimage.config.digest", outcome.config.ToString()},
                               {"image.name", outcome.tags}};
    MB_RETURN_IF_ERROR(WriteFileAtomically(options.metadata_file, metadata.dump(2) + "\n"));
  }
  return outcome;
}

StatusOr<BuildOutcome> Build(const GlobalOptions& global, const BuildOptions& options, BuildRequest flags) {
  MB_ASSIGN_OR_RETURN(BuildRequest request, ReadRequest(options, std::move(flags)));

  const std::filesystem::path root = ResolveRoot(global);
  MB_RETURN_IF_ERROR(MakePrivateDir(root));
  // Held until the build is over, so that `mybuild prune` neither runs beside it nor deletes its results.
  MB_ASSIGN_OR_RETURN(cache::FileLock in_use, LockStateRoot(root, cache::FileLock::Mode::kShared));
  MB_ASSIGN_OR_RETURN(cache::BlobStore blobs, cache::BlobStore::Open(root));
  MB_ASSIGN_OR_RETURN(image::ImageStore images, image::ImageStore::Open(root));
  StoreBaseResolver resolver(blobs, images);
  resolver.SetPuller([&](const std::string& name) { return PullForBuild(blobs, images, name); });
  MB_ASSIGN_OR_RETURN(PlannedBuild planned, PlanBuild(request, options, resolver));

  // From here on an interrupt cancels the build, which then unwinds: every mount and the scratch
  // directory are released before the command exits.
  solver::CancelToken cancel;
  InterruptScope interrupts(cancel);
  // The worker and the side effects it uses.
  MB_ASSIGN_OR_RETURN(ScratchDir scratch, ScratchDir::Create(root));
  MB_ASSIGN_OR_RETURN(std::unique_ptr<snapshotter::Snapshotter> snapshots, OpenSnapshotter(root, options.snapshotter));
  executor::NamespaceExecutor executor(scratch.path());
  fileops::CurlFetcher fetcher;
  fileops::HostGitClient git(scratch.path());
  std::unique_ptr<fileops::FileStatCache> stat_cache = fileops::FileStatCache::Load(root / "statcache");
  MB_ASSIGN_OR_RETURN(const worker::WorkerOptions worker_options, MakeWorkerOptions(request, root, scratch.path()));
  MB_ASSIGN_OR_RETURN(std::string dockerignore, ReadDockerignore(request));
  worker::WorkerDeps deps{&blobs, snapshots.get(), &executor, &fetcher, stat_cache.get(), &git};
  MB_ASSIGN_OR_RETURN(std::unique_ptr<worker::Worker> worker,
                      worker::Worker::Create(deps, worker_options, std::move(dockerignore)));

  MB_ASSIGN_OR_RETURN(solver::FileCacheIndex local_cache, solver::FileCacheIndex::Open(root));
  worker::ImportedCacheIndex cache_index(local_cache, blobs, ImportCaches(request.cache_from, blobs));
  StatusOr<solver::SolveResult> solved = SolveGraph(planned.lowered, *worker, cache_index, options, cancel);
  stat_cache->Save().IgnoreError();
  MB_RETURN_IF_ERROR(Interrupted(interrupts));
  MB_RETURN_IF_ERROR(solved.status());
  MB_ASSIGN_OR_RETURN(worker::SnapshotResult result, TargetResult(*solved, planned.lowered.target));
  MB_ASSIGN_OR_RETURN(image::StoredImage image, AssembleImage(blobs, planned, resolver, result,
                                                              worker_options.layer_options, request.epoch));
  MB_RETURN_IF_ERROR(Interrupted(interrupts));
  MB_ASSIGN_OR_RETURN(BuildOutcome outcome, Deliver(image, request, options, blobs, images, scratch.path()));
  MB_RETURN_IF_ERROR(ExportCaches(request.cache_to, *solved, local_cache, blobs, result));
  return outcome;
}

}  // namespace

int RunBuild(const GlobalOptions& global, const BuildOptions& options) {
  StatusOr<BuildRequest> flags = ParseFlags(options);
  if (!flags.ok()) {
    std::cerr << "error: " << flags.status().ToString() << "\n";
    return kExitUsage;
  }
  StatusOr<BuildOutcome> outcome = Build(global, options, std::move(*flags));
  if (!outcome.ok()) {
    std::cerr << "error: " << outcome.status().ToString() << "\n";
    const int interrupted = InterruptExitCode();
    return interrupted != 0 ? interrupted : kExitFailure;
  }
  // The image ID (config digest) on stdout, as `docker build -q` prints it; with progress, both digests
  // on stderr (the manifest digest is what a registry and `--metadata-file` name).
  if (!options.quiet && (options.progress == "auto" || options.progress == "plain" || options.progress == "tty")) {
    std::cerr << "image " << outcome->config.ToString() << ", manifest " << outcome->manifest.ToString() << "\n";
  }
  std::ostream& out = outcome->wrote_stdout ? std::cerr : std::cout;
  out << outcome->config.ToString() << "\n";
  return kExitOk;
}

}  // namespace mybuild::cli

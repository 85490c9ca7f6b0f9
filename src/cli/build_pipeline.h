// The stages of a build that `mybuild build` and `mybuild compose build` share: planning a parsed
// Dockerfile into a step graph, the worker's options and ignore file for a context, solving a graph
// with progress on stderr, and assembling a built target into a stored image. `build` runs them for
// one Dockerfile; `compose build` for every service, with all graphs combined into one solve.
#ifndef MYBUILD_CLI_BUILD_PIPELINE_H_
#define MYBUILD_CLI_BUILD_PIPELINE_H_

#include <filesystem>
#include <functional>
#include <future>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cache/blob_store.h"
#include "cache/file_lock.h"
#include "src/base/status.h"
#include "src/cli/global_options.h"
#include "src/cli/interrupts.h"
#include "src/cli/store_access.h"
#include "src/executor/namespace_executor.h"
#include "src/fileops/content_hash.h"
#include "src/fileops/host_git_client.h"
#include "src/fileops/url_fetcher.h"
#include "src/frontend/ast.h"
#include "src/image/image_store.h"
#include "src/image/layer_writer.h"
#include "src/planner/graph_lowering.h"
#include "src/planner/planner.h"
#include "src/solver/cache_index.h"
#include "src/solver/cancel_token.h"
#include "src/solver/solver.h"
#include "src/solver/step_runner.h"
#include "src/executor/resources.h"
#include "src/worker/run_secrets.h"
#include "src/worker/step_result.h"
#include "src/worker/worker.h"

namespace mybuild::cli {

// The state root a build uses, opened: held until the build is over (the shared lock keeps `mybuild
// prune` from running beside it and deleting its results).
struct BuildStore {
  std::filesystem::path root;
  cache::FileLock in_use;
  cache::BlobStore blobs;
  image::ImageStore images;
};
StatusOr<std::unique_ptr<BuildStore>> OpenBuildStore(const GlobalOptions& global);

// The side effects workers use, made once a build is planned: this process's scratch directory (which
// also moves it into its private mount namespace), the snapshotter, the executor, the URL fetcher, git and
// the stat cache. Destroyed in reverse order; save the stat cache with SaveStatCache when solved.
class WorkerServices {
 public:
  static StatusOr<std::unique_ptr<WorkerServices>> Open(const BuildStore& store, const std::string& snapshotter_choice);
  worker::WorkerDeps Deps(const cache::BlobStore& blobs);
  const std::filesystem::path& scratch() const { return scratch_.path(); }
  void SaveStatCache() { stat_cache_->Save().IgnoreError(); }

 private:
  WorkerServices(ScratchDir scratch, std::unique_ptr<snapshotter::Snapshotter> snapshots,
                 std::unique_ptr<fileops::FileStatCache> stat_cache);
  ScratchDir scratch_;
  std::unique_ptr<snapshotter::Snapshotter> snapshots_;
  executor::NamespaceExecutor executor_;
  fileops::CurlFetcher fetcher_;
  fileops::HostGitClient git_;
  std::unique_ptr<fileops::FileStatCache> stat_cache_;
};

// "K=V" items of a repeatable flag (--build-arg, --label) as a map; with `allow_env` a bare K takes the
// environment's value (and is left out when unset).
StatusOr<std::map<std::string, std::string>> ParseKeyValues(const std::vector<std::string>& items, const char* flag,
                                                            bool allow_env);

// Base images for planning: the planner's resolver plus what lowering and image assembly need. The
// store's (StoreBaseResolver) is one; compose wraps it to add named build contexts.
class BuildBaseResolver : public planner::BaseImageResolver {
 public:
  // Resolves and pins a reference that is not a stage base (COPY --from=IMAGE, RUN --mount from=IMAGE).
  virtual Status PinReference(const std::string& reference) = 0;
  // Every reference resolved so far, as written → pinned.
  virtual const std::map<std::string, planner::PinnedImage>& Pinned() const = 0;
  // The stored image of a pinned reference (its layers and history are the image's base), or null.
  virtual const image::StoredImage* FindImage(const std::string& reference) const = 0;
};

struct PlanSettings {
  std::map<std::string, std::string> build_args;
  std::map<std::string, std::string> labels;
  std::string target;
  std::vector<std::string> no_cache_stages;  // --no-cache-filter
  std::string network = "default";           // default | host | none
  std::vector<std::string> extra_hosts;      // --add-host, as "IP\tNAME" lines
};

// The plan of a Dockerfile (base images pinned in the resolver) and its step graph.
struct PlannedBuild {
  planner::BuildPlan plan;
  planner::LoweredGraph lowered;
};

StatusOr<PlannedBuild> PlanDockerfile(const frontend::Dockerfile& dockerfile, const PlanSettings& settings,
                                      BuildBaseResolver& resolver);

// The worker's options for a build of `context` with state under `root` and scratch space under
// `scratch` (its own "work" directory is `work_name` inside).
struct WorkerSettings {
  std::filesystem::path context;
  worker::RunSecrets run_secrets;
  std::optional<int64_t> epoch;  // SOURCE_DATE_EPOCH
  executor::Resources run_resources;               // --ulimit, --shm-size, --cgroup-parent
  std::optional<worker::ExportedLayers> exported_layers;  // the export's encoding and its image's steps
};
StatusOr<worker::WorkerOptions> MakeWorkerOptions(const WorkerSettings& settings, const std::filesystem::path& root,
                                                  const std::filesystem::path& scratch,
                                                  const std::string& work_name = "work");

// The steps whose layers the image of `target` holds, by definition digest: the target and, through input
// slot 0 (the filesystem an exec or file op changes), every exec and file step below it.
std::set<Digest> LayerStepsOf(const graph::BuildGraph& graph, graph::VertexIndex target);

// The ignore file: DOCKERFILE.dockerignore beside the Dockerfile wins over CONTEXT/.dockerignore. A
// missing file means no patterns; any other failure (too large, a directory, unreadable, a symlink out of
// the context) fails the build, since ignoring it would send the files it lists. `dockerfile_path` "-"
// (standard input) or "" (an inline Dockerfile) has no file beside it.
StatusOr<std::string> ReadDockerignore(const std::string& dockerfile_path, const std::filesystem::path& context);

// How progress is shown (`--progress`, `-q`, `-j`, `--keep-going`, `--no-cache`).
struct SolveSettings {
  std::string progress = "auto";
  bool quiet = false;
  int jobs = 0;
  bool keep_going = false;
  bool no_cache = false;
};

// Runs `graph` to `targets` on `runner`, with progress on stderr, until done or `cancel` is set (by an
// interrupt: see interrupts.h).
StatusOr<solver::SolveResult> SolveGraph(const graph::BuildGraph& graph, const std::vector<graph::VertexIndex>& targets,
                                         solver::StepRunner& runner, solver::CacheIndex& cache_index,
                                         const SolveSettings& settings, solver::CancelToken& cancel);

// Cancelled once an interrupt has cancelled the build (the token alone does not say: the solver also
// sets it on the first failure).
Status Interrupted(const InterruptScope& interrupts);

// The result of a solved target step.
StatusOr<worker::SnapshotResult> TargetResult(const solver::SolveResult& solved, graph::VertexIndex target);

// The image of the plan's target stage as the store keeps it: its layers (those built here uncompressed), its
// config with the base image's history, stored as blobs. `find_base` gives the stored image of a stage's
// base reference (null when it is not an image from the store).
using BaseImageLookup = std::function<const image::StoredImage*(const std::string& reference)>;

// The stored image the plan's target stage is built on, through `FROM` other stages (null when it has
// none: FROM scratch, or a base that is not an image from the store).
const image::StoredImage* TargetBaseImage(const planner::BuildPlan& plan, const BaseImageLookup& find_base);

// Starts bringing `base`'s layers into `encoding` (remembered variants, layer_variants.h) on a thread of
// its own, so that an export that needs them compressed finds them ready when the solve ends instead of
// compressing them after it. Best effort: a layer that fails here is left to the export, which reports
// its error. The future waits for the thread when destroyed; the thread stops between layers once
// `cancel` is set. `blobs` and `cancel` must outlive the future.
std::future<void> StartBaseLayerEncoding(const cache::BlobStore& blobs, const image::StoredImage& base,
                                         const image::LayerEncoding& encoding, const CancelToken& cancel);
StatusOr<image::StoredImage> AssembleImage(const cache::BlobStore& blobs, const planner::BuildPlan& plan,
                                           const BaseImageLookup& find_base, const worker::SnapshotResult& result,
                                           const image::LayerOptions& layer_options, std::optional<int64_t> epoch);

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_BUILD_PIPELINE_H_

// The worker performs the steps of a build graph on real snapshots: it is the solver's StepRunner.
//
//   SourceOp scratch   → the empty filesystem
//   SourceOp image     → the image's layers unpacked into a chain of committed snapshots named
//                        "layer-<chainID>", shared by every build and stage that uses them
//   SourceOp local     → the build context (read in place; no snapshot)
//   FileOp             → a new snapshot on the parent, COPY/ADD/mkdir/mkfile applied through the fileops
//                        module, its diff written as one layer; or, for a COPY (from the context, a stage
//                        or an image) into new paths, the layer written straight from the sources and no
//                        snapshot yet
//                        (SnapshotResult::pending): the first step that needs the filesystem unpacks the
//                        pending layers into chain snapshots "layer-<chainID>", as for image layers;
//                        COPY/ADD --link: the copy made on an empty filesystem, its layer stacked on the
//                        parent's as a pending one and reused on any base (linked_copy.cc)
//   ExecOp             → a new snapshot on the parent, the command run in it by the executor, its diff
//                        (minus the executor's mount targets) written as one layer; RUN --mount=type=bind
//                        sources are read-only, or with rw writable with their writes thrown away
//                        (bind_view.h: the context, a stage or an image never change), the context
//                        without what .dockerignore excludes, its bound content in the key; type=secret
//                        and type=ssh take what WorkerOptions::run_secrets holds (run_secrets.h; each ssh
//                        mount gets its own relay socket, ssh_forwarder.h)
// Every step's result (step_result.h) lists the whole layer chain, so the exporter needs only the
// target's. Snapshots of steps are named "step-<cache key hex>"; a cached step is reused when its layer
// blobs exist (CanReuse), and its snapshot, if gone, is made again from them when needed.
//
// Cache keys (on top of the definition digest and the inputs' keys, see solver::CombineCacheKey):
// COPY/ADD from the context add the content digest of exactly the selected sources (.dockerignore and
// --exclude applied, stat cache consulted); so does a RUN for each bind mount of the context (the bound
// path's content, .dockerignore applied, as BuildKit checksums a mount's selected source); ADD <url>
// without --checksum is never cached; ADD <git repository>
// adds the commit its ref names now (`git ls-remote`, once per URL and build; that commit is then the
// one checked out, and --checksum is checked against it before the key exists); image sources
// are pinned by their manifest digest in the definition and are not cache candidates themselves. A secret's
// content and an agent's socket are never in a key (only the mount spec is, in the definition).
#ifndef MYBUILD_WORKER_WORKER_H_
#define MYBUILD_WORKER_WORKER_H_

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "cache/blob_store.h"
#include "snapshotter/rootfs.h"
#include "snapshotter/snapshotter.h"
#include "src/executor/executor.h"
#include "src/fileops/content_hash.h"
#include "src/fileops/git_client.h"
#include "src/fileops/path_filter.h"
#include "src/fileops/url_fetcher.h"
#include "src/image/layer_variants.h"
#include "src/image/layer_writer.h"
#include "src/solver/cache_index.h"
#include "src/solver/step_runner.h"
#include "src/worker/mounted_snapshot.h"
#include "src/worker/run_secrets.h"
#include "src/worker/step_result.h"

namespace mybuild::worker {

// The layers that a build's export holds: the steps (by definition digest) whose layers the exported
// image holds are written in the export's encoding while the tar is made, so that the export neither
// waits for compression afterwards nor writes an uncompressed copy nobody asked for. Other steps' layers
// (earlier stages, the dev-machine flow into the store) stay in `WorkerOptions::layer_options`.
struct ExportedLayers {
  image::LayerEncoding encoding;
  std::set<Digest> steps;
};

struct WorkerOptions {
  std::filesystem::path context_dir;   // the build context
  std::filesystem::path scratch_dir;   // for mountpoints and downloads (created, mode 0700)
  image::LayerOptions layer_options;   // compression, SOURCE_DATE_EPOCH
  // What the build's export asks of its image's layers (none: every layer in `layer_options`).
  std::optional<ExportedLayers> exported_layers;
  std::string hostname = "mybuild";
  std::optional<std::string> resolv_conf;  // given to RUN as /etc/resolv.conf (host's by default)
  std::optional<std::string> hosts;        // given to RUN as /etc/hosts
  std::filesystem::path cache_mounts_dir;  // RUN --mount=type=cache directories
  // A COPY into new paths is written straight to its layer (fileops/streamed_copy.h);
  // its snapshot is made from the layer only when a later step needs the filesystem. Off: every COPY is
  // written into a snapshot and diffed (the same layer bytes, more disk writes).
  bool stream_copies = true;
  RunSecrets run_secrets;  // --secret and --ssh: what RUN --mount=type=secret|ssh can use (run_secrets.h)
  executor::Resources run_resources;  // --ulimit, --shm-size, --cgroup-parent for every RUN (not in cache keys)
};

// The side effects the worker uses; all must outlive it.
struct WorkerDeps {
  const cache::BlobStore* blobs = nullptr;
  snapshotter::Snapshotter* snapshotter = nullptr;
  executor::Executor* executor = nullptr;
  fileops::UrlFetcher* fetcher = nullptr;
  fileops::StatCache* stat_cache = nullptr;  // optional
  fileops::GitClient* git = nullptr;         // optional: ADD <git repository> fails without it
  // optional: where COPY --link layers are recorded by a key without the parent (linked_copy.cc), so
  // that one is reused on any base; null records and reuses none (--no-cache).
  solver::CacheIndex* link_layers = nullptr;
};

class Worker : public solver::StepRunner {
 public:
  // Opens the context (confined) and its .dockerignore (or `dockerignore_name` beside it).
  static StatusOr<std::unique_ptr<Worker>> Create(WorkerDeps deps, WorkerOptions options,
                                                  const std::string& dockerignore_text);
  ~Worker() override;

  StatusOr<solver::CacheKey> ComputeCacheKey(const graph::Vertex& vertex,
                                             std::span<const solver::StepInput> inputs) override;
  bool CanReuse(const graph::Vertex& vertex, const solver::StepResult& result) override;
  StatusOr<solver::StepResult> Run(const graph::Vertex& vertex, std::span<const solver::StepInput> inputs,
                                   solver::CancelToken& cancel, solver::StepLog& log) override;

 private:
  Worker(WorkerDeps deps, WorkerOptions options, snapshotter::RootFs context,
         fileops::DockerIgnoreFilter dockerignore);

  class StepContext;
  // options_.layer_options, in the export's encoding when `vertex` is an exported step.
  image::LayerOptions LayerOptionsFor(const graph::Vertex& vertex) const;
  // What a FileOp's cache key adds to its definition: the content of the context sources it selects and
  // the commits of git sources; not cacheable when an ADD <url> has no --checksum.
  struct FileContent {
    std::string extra;
    bool cacheable = true;
  };
  StatusOr<FileContent> FileContentKey(const graph::Vertex& vertex, const graph::FileOp& op,
                                       std::span<const solver::StepInput> inputs);
  StatusOr<solver::StepResult> RunSource(const graph::Vertex& vertex, const graph::SourceOp& op);
  StatusOr<solver::StepResult> RunFile(const graph::Vertex& vertex, const graph::FileOp& op,
                                       std::span<const solver::StepInput> inputs);
  // The actions of `op` applied to the mounted `target` (its rootfs is the image being changed).
  Status ApplyFileActions(const graph::Vertex& vertex, const graph::FileOp& op,
                          std::span<const solver::StepInput> inputs, const MountedSnapshot& target);
  // COPY/ADD --link (linked_copy.cc): the layer made by copying into an empty filesystem, stacked on the
  // parent's layers; the layer is looked up and recorded by a key without the parent.
  static bool IsLinkedCopy(const graph::FileOp& op);
  StatusOr<solver::StepResult> RunLinkedCopy(const graph::Vertex& vertex, const graph::FileOp& op,
                                             std::span<const solver::StepInput> inputs, SnapshotResult parent);
  StatusOr<LayerRef> MakeLinkLayer(const graph::Vertex& vertex, const graph::FileOp& op,
                                   std::span<const solver::StepInput> inputs);
  // A COPY written straight to its layer; nullopt when the op needs a real destination.
  StatusOr<std::optional<SnapshotResult>> TryStreamedCopy(const graph::Vertex& vertex, const graph::FileOp& op,
                                                          std::span<const solver::StepInput> inputs,
                                                          SnapshotResult parent);
  // A WORKDIR (mkdir -p only) whose directories the parent's top pending layer, written by a streamed COPY
  // of this build, already holds: the step changes nothing, so its layer is the empty one, written without
  // unpacking the pending layers; nullopt otherwise.
  StatusOr<std::optional<SnapshotResult>> TryMkdirOfPendingDirectories(const graph::FileOp& op,
                                                                       SnapshotResult parent);
  // The committed snapshot holding `result`'s filesystem, unpacking its pending layers first (or all its
  // layers, onto the longest chain prefix that has a snapshot, when its snapshot is gone).
  StatusOr<std::string> SnapshotOf(const SnapshotResult& result);
  // `result`'s filesystem mounted read-only for the length of a step (COPY --from, RUN --mount sources).
  StatusOr<MountedSnapshot> OpenView(const SnapshotResult& result);
  StatusOr<solver::StepResult> RunExec(const graph::Vertex& vertex, const graph::ExecOp& op,
                                       std::span<const solver::StepInput> inputs,
                                       solver::CancelToken& cancel, solver::StepLog& log);

  // What .dockerignore hides below a bind mount's source in the context (the directory `source_fd`);
  // kNotFound when the source itself is excluded.
  StatusOr<std::vector<std::string>> HiddenContextEntries(const std::string& source_path, int source_fd) const;

  // The commit a git source's ref names, resolved once per build (for the cache key, reused by Run).
  StatusOr<fileops::ResolvedGitRef> ResolveGit(const graph::CopyAction& copy);

  WorkerDeps deps_;
  WorkerOptions options_;
  snapshotter::RootFs context_;
  fileops::DockerIgnoreFilter dockerignore_;
  std::mutex streamed_mutex_;
  // The directories each streamed COPY layer of this build holds (paths without a leading "/"), by blob.
  std::map<Digest, std::set<std::string>> streamed_directories_;
  std::mutex git_mutex_;
  std::map<std::string, fileops::ResolvedGitRef> git_resolved_;  // by URL as written
};

// The chain ID of a layer stack (OCI image-spec): ChainID(L0) = DiffID(L0),
// ChainID(L0..Ln) = SHA-256(ChainID(L0..Ln-1) + " " + DiffID(Ln)).
Digest ChainId(const Digest& parent_chain, const Digest& diff_id);

}  // namespace mybuild::worker

#endif  // MYBUILD_WORKER_WORKER_H_

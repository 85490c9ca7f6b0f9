#include "src/cli/prune.h"

#include <ctime>
#include <system_error>

#include "snapshotter/snapshot_gc.h"
#include "src/base/logging.h"
#include "src/cli/stale_scratch.h"
#include "src/cli/store_access.h"
#include "src/engine/container_store.h"
#include "src/image/layer_variants.h"
#include "src/worker/gc_roots.h"

namespace mybuild::cli {
namespace {

using Kind = cache::GcReport::Kind;

// Whether a record can serve a cache hit: its result decodes and every layer blob it names is there (a
// store damaged behind our back may have lost one; a hit on such a record would fail the build).
bool Usable(const solver::StepResult& result, const cache::BlobStore& blobs) {
  cache::LiveSet reached;
  if (!worker::MarkStepResult(result, reached).ok()) return false;
  for (const Digest& blob : reached.blobs) {
    if (!blobs.Has(blob)) return false;
  }
  return true;
}

// Phase 1: deletes the cache records the policy drops and those that are not usable records (unreadable,
// a temp file left by a crash, a result that does not decode or names a missing blob); returns the
// results of those that stay. Records go before any data they reach (cache/gc.h).
StatusOr<std::vector<solver::StepResult>> DropRecords(const PruneTargets& targets, const PrunePolicy& policy,
                                                      cache::GcReport& report) {
  const solver::FileCacheIndex& index = *targets.index;
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  MB_ASSIGN_OR_RETURN(std::vector<solver::CacheRecordFile> files, index.List());
  std::vector<solver::StepResult> kept;
  for (const solver::CacheRecordFile& file : files) {
    bool drop = !file.result || !Usable(*file.result, *targets.blobs);
    if (!drop && policy.keep_seconds) {
      drop = now - file.last_used > *policy.keep_seconds;  // last used: the file's mtime (cache_index.h)
    } else if (!drop) {
      drop = policy.all;
    }
    if (!drop) {
      kept.push_back(*file.result);
      continue;
    }
    if (!policy.dry_run) MB_RETURN_IF_ERROR(index.RemoveFile(file.file_name));
    report.Add(Kind::kCacheRecord, file.key ? file.key->ToString() : file.file_name, file.size);
  }
  return kept;
}

// Containers keep their image (even after `rmi`) and their writable snapshot (cache/gc.h).
Status MarkContainers(const PruneTargets& targets, cache::LiveSet& live) {
  MB_ASSIGN_OR_RETURN(engine::ContainerStore containers, engine::ContainerStore::Open(targets.root));
  MB_ASSIGN_OR_RETURN(std::vector<engine::ContainerRecord> records, containers.List());
  for (const engine::ContainerRecord& record : records) {
    live.container_snapshots.insert(record.snapshot);
    StatusOr<Digest> manifest = Digest::Parse(record.image_digest);
    if (!manifest.ok()) continue;  // a record without an image (none is written so): nothing more to keep
    Status marked = worker::MarkImage(*targets.blobs, *manifest, live);
    if (!marked.ok()) return marked.WithContext("the image of container " + record.id.substr(0, 12));
  }
  return Status::Ok();
}

// Phase 2: what the tags and the remaining records reach.
StatusOr<cache::LiveSet> Mark(const PruneTargets& targets, const std::vector<solver::StepResult>& records,
                              bool dry_run) {
  cache::LiveSet live;
  MB_ASSIGN_OR_RETURN(auto tags, targets.images->List());
  for (const auto& [name, manifest] : tags) {
    Status marked = worker::MarkImage(*targets.blobs, manifest, live);
    if (!marked.ok()) {
      return marked.WithContext("image " + FamiliarName(name) + " (fix it with `mybuild rmi` before pruning)");
    }
  }
  for (const solver::StepResult& result : records) MB_RETURN_IF_ERROR(worker::MarkStepResult(result, live));
  MB_RETURN_IF_ERROR(MarkContainers(targets, live));
  // Compressed variants of what stays (exports, pushes: layer_variants.h) stay too.
  MB_RETURN_IF_ERROR(image::MarkVariants(*targets.blobs, live.blobs, dry_run));
  return live;
}

// Removes (unless dry run) every entry of `dir` whose name starts with `prefix`, with its size.
void SweepDirectories(const std::filesystem::path& dir, const std::string& prefix, Kind kind, bool dry_run,
                      cache::GcReport& report) {
  std::error_code error;
  for (const std::filesystem::directory_entry& entry : std::filesystem::directory_iterator(dir, error)) {
    if (entry.path().filename().string().rfind(prefix, 0) != 0) continue;
    const uint64_t bytes = snapshotter::DiskUsage(entry.path());
    std::error_code removed;
    if (!dry_run) std::filesystem::remove_all(entry.path(), removed);
    if (removed) {
      spdlog::warn("prune: leaving {}: {}", entry.path().string(), removed.message());
      continue;
    }
    report.Add(kind, entry.path().string(), bytes);
  }
}

// Phase 3: everything that is not live, leftovers of killed processes first (they may hold mounts of
// snapshots), then snapshots (both snapshotters), then blobs and ingest files.
Status Sweep(const PruneTargets& targets, const cache::LiveSet& live, const PrunePolicy& policy,
             cache::GcReport& report) {
  const std::filesystem::path tmp = targets.root / "tmp";
  if (!policy.dry_run) {
    std::vector<std::filesystem::path> removed;
    RemoveStaleScratch(tmp, &removed);
    for (const std::filesystem::path& dir : removed) report.Add(Kind::kScratch, dir.string(), 0);
  }
  SweepDirectories(tmp, "import-", Kind::kScratch, policy.dry_run, report);
  if (policy.all && !policy.keep_seconds) {
    SweepDirectories(targets.root / "cache-mounts", "", Kind::kCacheMount, policy.dry_run, report);
  }
  for (const auto& [name, snapshots] : targets.snapshotters) {
    MB_ASSIGN_OR_RETURN(std::vector<snapshotter::RemovedSnapshot> removed,
                        snapshotter::SweepSnapshots(*snapshots, live.snapshots, policy.dry_run,
                                                    live.container_snapshots));
    for (const snapshotter::RemovedSnapshot& snapshot : removed) {
      report.Add(Kind::kSnapshot, name + "/" + snapshot.key, snapshot.bytes);
    }
  }
  MB_RETURN_IF_ERROR(cache::SweepBlobs(*targets.blobs, live, policy.dry_run, report));
  return cache::SweepIngest(*targets.blobs, policy.dry_run, report);
}

}  // namespace

Status Prune(const PruneTargets& targets, const PrunePolicy& policy, cache::GcReport& report) {
  MB_ASSIGN_OR_RETURN(std::vector<solver::StepResult> records, DropRecords(targets, policy, report));
  MB_ASSIGN_OR_RETURN(cache::LiveSet live, Mark(targets, records, policy.dry_run));
  return Sweep(targets, live, policy, report);
}

}  // namespace mybuild::cli

// Garbage collection of one state root, the phases in the order cache/gc.h explains: drop the cache
// records the policy drops (records before data), mark from the tags and the remaining records, sweep
// leftovers of killed processes, snapshots, blobs and ingest files. The caller holds the root's GC lock
// exclusively (src/cli/prune_command.cc); unit tests call this on a temporary root.
#ifndef MYBUILD_CLI_PRUNE_H_
#define MYBUILD_CLI_PRUNE_H_

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cache/blob_store.h"
#include "cache/gc.h"
#include "snapshotter/snapshotter.h"
#include "src/base/status.h"
#include "src/image/image_store.h"
#include "src/solver/cache_index.h"

namespace mybuild::cli {

// What `mybuild prune`'s flags ask for.
struct PrunePolicy {
  bool all = false;                     // drop every cache record (and ROOT/cache-mounts) first
  std::optional<int64_t> keep_seconds;  // drop only records not used for longer than this (also with `all`)
  bool dry_run = false;                 // report, remove nothing
};

// The stores of the root; pointers are not owned.
struct PruneTargets {
  std::filesystem::path root;  // for ROOT/tmp and ROOT/cache-mounts
  const cache::BlobStore* blobs = nullptr;
  const image::ImageStore* images = nullptr;
  const solver::FileCacheIndex* index = nullptr;
  std::vector<std::pair<std::string, snapshotter::Snapshotter*>> snapshotters;  // name ("overlay") → snapshotter
};

// Runs the collection; `report` gets what went (or would go), also when a later phase fails.
Status Prune(const PruneTargets& targets, const PrunePolicy& policy, cache::GcReport& report);

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_PRUNE_H_

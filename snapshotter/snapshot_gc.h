// The snapshot part of garbage collection (cache/gc.h describes the whole): removes, through the
// snapshotter's own Remove() so that metadata and directories stay consistent, every snapshot that no
// root reaches.
#ifndef MYBUILD_SNAPSHOTTER_SNAPSHOT_GC_H_
#define MYBUILD_SNAPSHOTTER_SNAPSHOT_GC_H_

#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "snapshotter/snapshotter.h"
#include "src/base/status.h"

namespace mybuild::snapshotter {

struct RemovedSnapshot {
  std::string key;
  SnapshotKind kind = SnapshotKind::kCommitted;
  uint64_t bytes = 0;  // of its own directory (a native snapshot is a full tree; a view owns nothing)
};

// Live snapshots are the committed snapshots named in `roots` (names that do not exist are ignored) and
// their parent chains; every other snapshot goes, active snapshots and views included, so call this only
// when no build can be using the snapshotter (under the exclusive GC lock). Children are removed before
// their parents, so a sweep cut off halfway leaves a consistent snapshotter. Unless `dry_run`, removes
// them and then the directories no metadata names (Cleanup). Returns what went (or would go), in order.
// `active_roots` names active snapshots that stay too (containers' writable snapshots), with their
// parent chains.
StatusOr<std::vector<RemovedSnapshot>> SweepSnapshots(Snapshotter& snapshotter, const std::set<std::string>& roots,
                                                      bool dry_run, const std::set<std::string>& active_roots = {});

// Bytes of the regular files at or below `dir`, each inode counted once, symlinks not followed; 0 when
// `dir` cannot be read.
uint64_t DiskUsage(const std::filesystem::path& dir);

}  // namespace mybuild::snapshotter

#endif  // MYBUILD_SNAPSHOTTER_SNAPSHOT_GC_H_

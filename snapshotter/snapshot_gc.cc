#include "snapshotter/snapshot_gc.h"

#include <sys/stat.h>

#include <deque>
#include <map>
#include <system_error>
#include <utility>

#include "fmt/format.h"

namespace mybuild::snapshotter {

uint64_t DiskUsage(const std::filesystem::path& dir) {
  std::error_code error;
  std::filesystem::recursive_directory_iterator it(dir, std::filesystem::directory_options::none, error);
  if (error) return 0;
  std::set<std::pair<dev_t, ino_t>> seen;
  uint64_t bytes = 0;
  for (; it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
    if (error) break;
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    if (seen.emplace(st.st_dev, st.st_ino).second) bytes += static_cast<uint64_t>(st.st_size);
  }
  return bytes;
}

StatusOr<std::vector<RemovedSnapshot>> SweepSnapshots(Snapshotter& snapshotter, const std::set<std::string>& roots,
                                                      bool dry_run, const std::set<std::string>& active_roots) {
  MB_ASSIGN_OR_RETURN(std::vector<SnapshotInfo> all, snapshotter.List());
  std::map<std::string, const SnapshotInfo*> by_key;
  for (const SnapshotInfo& info : all) by_key[info.key] = &info;

  // Mark: each committed root and its parents.
  std::set<std::string> live;
  auto is_root = [&](const std::string& key, SnapshotKind kind) {
    return kind == SnapshotKind::kCommitted ? roots.count(key) > 0
                                            : kind == SnapshotKind::kActive && active_roots.count(key) > 0;
  };
  std::vector<std::string> starts(roots.begin(), roots.end());
  starts.insert(starts.end(), active_roots.begin(), active_roots.end());
  for (const std::string& root : starts) {
    auto it = by_key.find(root);
    if (it == by_key.end() || !is_root(root, it->second->kind)) continue;
    for (std::string key = root; !key.empty() && live.insert(key).second;) {
      auto found = by_key.find(key);
      key = found == by_key.end() ? std::string() : found->second->parent;
    }
  }

  // Sweep leaves first: a dead snapshot's children are all dead (a live child would make it live), so
  // removing those without children, then their parents as they become childless, removes every one.
  std::map<std::string, size_t> children;
  for (const SnapshotInfo& info : all) {
    if (!info.parent.empty()) ++children[info.parent];
  }
  std::deque<const SnapshotInfo*> ready;
  for (const SnapshotInfo& info : all) {
    if (!live.count(info.key) && children[info.key] == 0) ready.push_back(&info);
  }
  std::vector<RemovedSnapshot> removed;
  while (!ready.empty()) {
    const SnapshotInfo* info = ready.front();
    ready.pop_front();
    const uint64_t bytes = info->kind == SnapshotKind::kView ? 0 : DiskUsage(info->dir);
    if (!dry_run) {
      Status status = snapshotter.Remove(info->key);
      if (!status.ok() && status.code() != StatusCode::kNotFound) {
        return status.WithContext(fmt::format("removing snapshot \"{}\"", info->key));
      }
    }
    removed.push_back(RemovedSnapshot{info->key, info->kind, bytes});
    if (!info->parent.empty() && --children[info->parent] == 0 && !live.count(info->parent)) {
      auto parent = by_key.find(info->parent);
      if (parent != by_key.end()) ready.push_back(parent->second);
    }
  }
  if (!dry_run) MB_RETURN_IF_ERROR(snapshotter.Cleanup());
  return removed;
}

}  // namespace mybuild::snapshotter

// A container's files as its processes see them, for `cp` (and whatever else reads or writes them from
// outside). A running container's through its PID 1's root (/proc/PID/root, pinned: container_pin.h):
// its volumes and bind mounts included, as docker cp sees them. A container that is not running: its
// writable snapshot mounted at a scratch mountpoint (in the caller's private mount namespace), with its
// monitor.lock held so that it cannot start while the copy runs (a start then fails with "already
// running"); its volumes are not mounted then, so paths below their targets are the snapshot's.
#ifndef MYBUILD_ENGINE_CONTAINER_ROOT_H_
#define MYBUILD_ENGINE_CONTAINER_ROOT_H_

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "cache/file_lock.h"
#include "snapshotter/rootfs.h"
#include "snapshotter/snapshotter.h"
#include "src/base/status.h"
#include "src/base/unique_fd.h"
#include "src/engine/container_filesystem.h"
#include "src/engine/container_store.h"

namespace mybuild::engine {

class ContainerRoot {
 public:
  // `snapshots`: the container's snapshotter (its ContainerSettings::snapshotter choice); `mountpoint`:
  // a path (not yet existing) in the caller's private scratch directory.
  static StatusOr<std::unique_ptr<ContainerRoot>> Open(ContainerStore& store, snapshotter::Snapshotter& snapshots,
                                                       const std::string& id, const std::filesystem::path& mountpoint);
  ~ContainerRoot() = default;
  ContainerRoot(const ContainerRoot&) = delete;
  ContainerRoot& operator=(const ContainerRoot&) = delete;

  const snapshotter::RootFs& root() const { return *root_; }
  bool running() const { return pidfd_.valid(); }

 private:
  ContainerRoot() = default;
  // Released after the mount (members go in reverse order).
  std::optional<cache::FileLock> not_started_;
  UniqueFd pidfd_;
  std::unique_ptr<ContainerFilesystem> fs_;
  std::optional<snapshotter::RootFs> root_;
};

}  // namespace mybuild::engine

#endif  // MYBUILD_ENGINE_CONTAINER_ROOT_H_

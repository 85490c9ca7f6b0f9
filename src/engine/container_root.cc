#include "src/engine/container_root.h"

#include "src/engine/container_pin.h"

namespace mybuild::engine {

StatusOr<std::unique_ptr<ContainerRoot>> ContainerRoot::Open(ContainerStore& store, snapshotter::Snapshotter& snapshots,
                                                             const std::string& id,
                                                             const std::filesystem::path& mountpoint) {
  std::unique_ptr<ContainerRoot> out(new ContainerRoot());
  MB_ASSIGN_OR_RETURN(std::optional<cache::FileLock> free,
                      cache::FileLock::TryAcquire(store.MonitorLockPath(id), cache::FileLock::Mode::kExclusive));
  if (!free) {
    // Running (its monitor holds the lock): through its PID 1's root, which stays valid once opened.
    ContainerRecord record;
    MB_ASSIGN_OR_RETURN(out->pidfd_, PinRunningContainer(store, id, record));
    const std::string root_path = "/proc/" + std::to_string(record.state.pid) + "/root";
    MB_ASSIGN_OR_RETURN(snapshotter::RootFs root,
                        snapshotter::RootFs::Open(std::filesystem::path(root_path), false, "the container"));
    if (!PidfdAlive(out->pidfd_.get())) return FailedPrecondition("container " + id.substr(0, 12) + " stopped");
    out->root_.emplace(std::move(root));
    return out;
  }
  out->not_started_ = std::move(*free);
  MB_ASSIGN_OR_RETURN(ContainerRecord record, store.Load(id));
  MB_ASSIGN_OR_RETURN(out->fs_, ContainerFilesystem::MountExisting(snapshots, record.snapshot, mountpoint));
  MB_ASSIGN_OR_RETURN(snapshotter::RootFs root, snapshotter::RootFs::Open(out->fs_->path(), false, "the container"));
  out->root_.emplace(std::move(root));
  return out;
}

}  // namespace mybuild::engine

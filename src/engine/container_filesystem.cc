#include "src/engine/container_filesystem.h"

#include <sys/stat.h>
#include <unistd.h>

#include "snapshotter/rootfs.h"

namespace mybuild::engine {

StatusOr<std::unique_ptr<ContainerFilesystem>> ContainerFilesystem::Create(snapshotter::Snapshotter& snapshots,
                                                                           const std::string& key,
                                                                           const std::string& parent,
                                                                           const std::filesystem::path& mountpoint,
                                                                           bool throwaway) {
  std::unique_ptr<ContainerFilesystem> fs(new ContainerFilesystem(snapshots, key));
  MB_ASSIGN_OR_RETURN(std::vector<snapshotter::Mount> mounts, snapshots.Prepare(key, parent));
  fs->prepared_ = true;
  MB_RETURN_IF_ERROR(fs->MountAt(std::move(mounts), mountpoint, throwaway));
  return fs;
}

StatusOr<std::unique_ptr<ContainerFilesystem>> ContainerFilesystem::MountExisting(
    snapshotter::Snapshotter& snapshots, const std::string& key, const std::filesystem::path& mountpoint) {
  std::unique_ptr<ContainerFilesystem> fs(new ContainerFilesystem(snapshots, key));
  MB_ASSIGN_OR_RETURN(std::vector<snapshotter::Mount> mounts, snapshots.Mounts(key));
  fs->prepared_ = true;
  fs->keep_ = true;
  MB_RETURN_IF_ERROR(fs->MountAt(std::move(mounts), mountpoint, /*throwaway=*/false));
  return fs;
}

Status ContainerFilesystem::MountAt(std::vector<snapshotter::Mount> mounts, const std::filesystem::path& mountpoint,
                                    bool throwaway) {
  if (mkdir(mountpoint.c_str(), 0700) < 0) return ErrnoError("mkdir " + mountpoint.string());
  mountpoint_ = mountpoint;
  if (throwaway && mounts.size() == 1 && mounts[0].type == "overlay") {
    std::vector<snapshotter::Mount> fast = mounts;
    fast[0].options.push_back("volatile");
    StatusOr<snapshotter::ScopedMount> mounted = snapshotter::ScopedMount::MountAll(fast, mountpoint);
    if (mounted.ok()) {
      mount_ = std::move(*mounted);
      return Status::Ok();
    }  // a kernel without "volatile" (before 5.10): the plain mount below
  }
  MB_ASSIGN_OR_RETURN(mount_, snapshotter::ScopedMount::MountAll(mounts, mountpoint));
  return Status::Ok();
}

ContainerFilesystem::~ContainerFilesystem() {
  if (mount_.active()) mount_.Unmount().IgnoreError();
  if (!mountpoint_.empty()) rmdir(mountpoint_.c_str());  // only ever an empty directory
  if (prepared_ && !keep_) snapshots_.Remove(key_).IgnoreError();
}

}  // namespace mybuild::engine

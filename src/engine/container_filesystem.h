// A container's writable snapshot, mounted while its process runs. Unmounted on destruction (and its
// mountpoint removed); the snapshot itself is removed too unless kept (a container without --rm keeps
// its filesystem for a later start or `rm`).
#ifndef MYBUILD_ENGINE_CONTAINER_FILESYSTEM_H_
#define MYBUILD_ENGINE_CONTAINER_FILESYSTEM_H_

#include <filesystem>
#include <memory>
#include <string>

#include "snapshotter/scoped_mount.h"
#include "snapshotter/snapshotter.h"
#include "src/base/status.h"

namespace mybuild::engine {

class ContainerFilesystem {
 public:
  // Prepares snapshot `key` over `parent` and mounts it at `mountpoint` (created). `throwaway`: the
  // snapshot is removed after the run (--rm), so an overlay is mounted "volatile": its writes are never
  // synced, and its unmount does not sync the upper file system (tens of ms when busy).
  static StatusOr<std::unique_ptr<ContainerFilesystem>> Create(snapshotter::Snapshotter& snapshots,
                                                               const std::string& key, const std::string& parent,
                                                               const std::filesystem::path& mountpoint,
                                                               bool throwaway);
  // Mounts the existing snapshot `key` (prepared by an earlier Create) at `mountpoint`; kept by default.
  static StatusOr<std::unique_ptr<ContainerFilesystem>> MountExisting(snapshotter::Snapshotter& snapshots,
                                                                      const std::string& key,
                                                                      const std::filesystem::path& mountpoint);
  ~ContainerFilesystem();
  ContainerFilesystem(const ContainerFilesystem&) = delete;
  ContainerFilesystem& operator=(const ContainerFilesystem&) = delete;

  const std::filesystem::path& path() const { return mountpoint_; }
  void Keep() { keep_ = true; }
  void Discard() { keep_ = false; }

 private:
  ContainerFilesystem(snapshotter::Snapshotter& snapshots, std::string key) : snapshots_(snapshots), key_(std::move(key)) {}
  Status MountAt(std::vector<snapshotter::Mount> mounts, const std::filesystem::path& mountpoint, bool throwaway);

  snapshotter::Snapshotter& snapshots_;
  std::string key_;
  bool prepared_ = false;
  bool keep_ = false;
  std::filesystem::path mountpoint_;
  snapshotter::ScopedMount mount_;
};

}  // namespace mybuild::engine

#endif  // MYBUILD_ENGINE_CONTAINER_FILESYSTEM_H_

#include "src/executor/root_mkdir.h"

#include "snapshotter/root_mkdir.h"
#include "snapshotter/root_path.h"
#include "snapshotter/rootfs.h"

namespace mybuild::executor {

Status MakeDirectoriesInRoot(int root_fd, const std::string& path) {
  MB_ASSIGN_OR_RETURN(snapshotter::RootFs root, snapshotter::RootFs::FromFd(root_fd, "the rootfs"));
  return snapshotter::MkdirAllThroughLinks(root, path, 0755);
}

StatusOr<std::string> ResolvePathInRoot(const std::string& rootfs, const std::string& path) {
  MB_ASSIGN_OR_RETURN(snapshotter::RootFs root, snapshotter::RootFs::Open(rootfs));
  StatusOr<snapshotter::RootPath> resolved = snapshotter::ResolveInRoot(root, path);
  if (!resolved.ok()) return resolved.status().WithContext("resolving \"" + path + "\" in the rootfs");
  return resolved->Absolute();
}

}  // namespace mybuild::executor

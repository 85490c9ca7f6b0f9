#include "src/executor/root_mkdir.h"

#include "snapshotter/root_mkdir.h"
#include "snapshotter/root_path.h"
#include "snapshotter/rootfs.h"

namespace mybuild::executor {

Status MakeDirectoriesInRoot(int root_fd, const std::string& path) {
  MB_ASSIGN_OR_RETURN(snapshotter::RootFs root, snapshotter::RootFs::FromFd(root_fd, "the rootfs"));
  return snapshotter::MkdirAllThroughLinks(root, path, 0755);
}

StatusOr<std::string> ResolveMountTarget(const std::string& rootfs, const std::string& path) {
  MB_ASSIGN_OR_RETURN(snapshotter::RootFs root, snapshotter::RootFs::Open(rootfs));
  StatusOr<snapshotter::RootPath> resolved = snapshotter::ResolveInRoot(root, path);
  if (!resolved.ok()) return resolved.status().WithContext("resolving the mount target \"" + path + "\"");
  if (resolved->missing_via_link) {
    return InvalidArgument("cannot make the mount point \"" + path + "\": it leads through a dangling symlink (\"" +
                           resolved->Prefix(resolved->existing + 1) +
                           "\" does not exist in the image); create the link's target first");
  }
  return resolved->Absolute();
}

}  // namespace mybuild::executor

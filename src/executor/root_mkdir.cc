#include "src/executor/root_mkdir.h"

#include "snapshotter/root_mkdir.h"
#include "snapshotter/rootfs.h"

namespace mybuild::executor {

Status MakeDirectoriesInRoot(int root_fd, const std::string& path) {
  MB_ASSIGN_OR_RETURN(snapshotter::RootFs root, snapshotter::RootFs::FromFd(root_fd, "the rootfs"));
  return snapshotter::MkdirAllThroughLinks(root, path, 0755);
}

}  // namespace mybuild::executor

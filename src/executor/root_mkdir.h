// `mkdir -p` of a container path, done on the host but confined to the rootfs, for the working directory
// of a RUN: snapshotter::MkdirAllThroughLinks (snapshotter/root_mkdir.h) on a root given as an fd.
#ifndef MYBUILD_EXECUTOR_ROOT_MKDIR_H_
#define MYBUILD_EXECUTOR_ROOT_MKDIR_H_

#include <string>

#include "src/base/status.h"

namespace mybuild::executor {

// Creates the missing directories of `path` (absolute, container view) under root_fd, root-owned, mode
// 0755. Fails with kInvalidArgument when a component is not a directory or symlinks loop.
Status MakeDirectoriesInRoot(int root_fd, const std::string& path);

}  // namespace mybuild::executor

#endif  // MYBUILD_EXECUTOR_ROOT_MKDIR_H_

// `mkdir -p` of a container path, done on the host but confined to the rootfs: symlinks are followed
// the way the container would follow them (absolute targets restart at the rootfs, ".." stops at it),
// every lookup goes through openat2(RESOLVE_IN_ROOT) from a path made only of directories, and nothing
// outside the rootfs is ever created. Used for the working directory: a WORKDIR that is (or passes
// through) a symlink must get its target created inside the rootfs (SECURITY.md rules 1 and 3).
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

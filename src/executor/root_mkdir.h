// Container paths resolved on the host but confined to the rootfs, for a RUN: the working directory made
// by snapshotter::MkdirAllThroughLinks (snapshotter/root_mkdir.h), mount targets resolved by
// snapshotter::ResolveInRoot (snapshotter/root_path.h).
#ifndef MYBUILD_EXECUTOR_ROOT_MKDIR_H_
#define MYBUILD_EXECUTOR_ROOT_MKDIR_H_

#include <string>

#include "src/base/status.h"

namespace mybuild::executor {

// Creates the missing directories of `path` (absolute, container view) under root_fd, root-owned, mode
// 0755. Fails with kInvalidArgument when a component is not a directory or symlinks loop.
Status MakeDirectoriesInRoot(int root_fd, const std::string& path);

// A mount target (absolute, container view) with every symlink of the rootfs on it followed inside the
// root (snapshotter::ResolveInRoot), as runc opens a mount destination (OpenInRoot: a target that is a
// link to a directory is mounted on that directory). What is missing of it is created by the sandbox;
// like runc's MkdirAllInRoot (runc >= 1.1.14), a target whose missing part lies behind a dangling symlink
// is refused (kInvalidArgument) rather than created at the link's target.
StatusOr<std::string> ResolveMountTarget(const std::string& rootfs, const std::string& path);

}  // namespace mybuild::executor

#endif  // MYBUILD_EXECUTOR_ROOT_MKDIR_H_

// Removal of the mount targets a step created in the rootfs ("stubs"), so that they do not end up in
// the step's layer. Runs on the host after the sandbox is gone, while the rootfs is hostile: every path
// resolves inside the root (openat2 RESOLVE_IN_ROOT), and only empty directories and empty regular files
// are removed.
#ifndef MYBUILD_EXECUTOR_MOUNT_STUBS_H_
#define MYBUILD_EXECUTOR_MOUNT_STUBS_H_

#include <string>
#include <vector>

#include "src/base/status.h"

namespace mybuild::executor {

// `created` lists container paths in creation order (parents before children); they are removed in
// reverse. A stub that is no longer empty (the command wrote into it) is kept. Returns the first error
// other than "already gone" or "not empty".
Status RemoveMountStubs(int root_fd, const std::vector<std::string>& created);

}  // namespace mybuild::executor

#endif  // MYBUILD_EXECUTOR_MOUNT_STUBS_H_

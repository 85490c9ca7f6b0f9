// `mkdir -p` of an in-image path the way the container (and BuildKit's mkdir, through fs.RootPath) would
// do it, confined to the rootfs: the path is resolved by ResolveInRoot (root_path.h: symlinks followed
// inside the root, ".." stops at it), then what is missing is made, so a symlink whose target is missing
// gets its target created (BuildKit creates /target for `WORKDIR /x` over a dangling /x -> /target).
// Used for WORKDIR, both when the step creates it and when RUN starts in it.
#ifndef MYBUILD_SNAPSHOTTER_ROOT_MKDIR_H_
#define MYBUILD_SNAPSHOTTER_ROOT_MKDIR_H_

#include <optional>
#include <string>

#include "snapshotter/rootfs.h"
#include "src/base/status.h"

namespace mybuild::snapshotter {

// Creates the missing directories of `path` (absolute, in-image) with `mode` (exactly: the umask does not
// narrow it) and, when given, `owner`; existing directories are kept as they are. Errors name the in-image
// path, never the host one: kInvalidArgument when a component is neither a directory nor a symlink
// ("cannot create directory "/a/b": "/a" exists and is not a directory") or when symlinks loop.
Status MkdirAllThroughLinks(const RootFs& root, const std::string& path, mode_t mode = 0755,
                            std::optional<Ownership> owner = std::nullopt);

}  // namespace mybuild::snapshotter

#endif  // MYBUILD_SNAPSHOTTER_ROOT_MKDIR_H_

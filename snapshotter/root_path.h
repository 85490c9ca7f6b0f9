// The one resolution of an in-image path inside a rootfs, the way BuildKit (continuity's fs.RootPath) and
// runc (securejoin.SecureJoin) resolve it: every symlink met, the final component's included, is followed
// inside the root (an absolute target starts again at the root, ".." never climbs above it), and where a
// component does not exist the rest is kept as named (so a dangling link leads to where its target would
// be). Every lookup goes through the RootFs from a path made only of real directories, so nothing outside
// the root is ever looked at (SECURITY.md rules 1 and 3). Used by WORKDIR's mkdir and RUN's cwd
// (root_mkdir.h), the COPY/ADD destination (fileops/copy_destination.h) and RUN --mount targets.
#ifndef MYBUILD_SNAPSHOTTER_ROOT_PATH_H_
#define MYBUILD_SNAPSHOTTER_ROOT_PATH_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "snapshotter/rootfs.h"
#include "src/base/status.h"

namespace mybuild::snapshotter {

// More links than this on one path is a loop (the limit of continuity and securejoin).
inline constexpr int kMaxRootPathLinks = 255;

struct RootPath {
  std::vector<std::string> parts;  // clean components, none "." or "..", none an existing symlink
  size_t existing = 0;             // parts[0, existing) exist; the others do not (or sit below a non-directory)
  bool last_existing_is_dir = true;  // whether parts[existing - 1] (or the root) is a directory
  // Whether the first missing component came from a symlink's target: the path leads through a dangling
  // link (runc's MkdirAllInRoot refuses to create a mount point there; fs.RootPath creates the target).
  bool missing_via_link = false;

  // "/a/b" of parts[0, count) ("/" for none).
  std::string Prefix(size_t count) const;
  std::string Absolute() const { return Prefix(parts.size()); }
};

// Resolves `path` (absolute, in-image; a relative one is taken from the root). kInvalidArgument "too many
// levels of symbolic links" when links loop; errors name in-image paths only.
StatusOr<RootPath> ResolveInRoot(const RootFs& root, std::string_view path);

}  // namespace mybuild::snapshotter

#endif  // MYBUILD_SNAPSHOTTER_ROOT_PATH_H_

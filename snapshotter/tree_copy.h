// Copying a directory tree with everything a layer cares about: type, mode incl. special bits, owner,
// mtime (ns), symlink targets, device numbers, kept xattrs, hardlinks (kept as hardlinks), sparse-free
// content (reflinked when the filesystem can). Never follows symlinks in the source.
#ifndef MYBUILD_SNAPSHOTTER_TREE_COPY_H_
#define MYBUILD_SNAPSHOTTER_TREE_COPY_H_

#include <filesystem>

#include "src/base/status.h"

namespace mybuild::snapshotter {

// Copies the contents of `src` into the existing empty directory `dst` and gives `dst` the metadata of `src`.
Status CopyTree(const std::filesystem::path& src, const std::filesystem::path& dst);

}  // namespace mybuild::snapshotter

#endif  // MYBUILD_SNAPSHOTTER_TREE_COPY_H_

// Computing the changes of a snapshot as layer entries (see layer_entry.h for the order and fields).
//
// Two sources give the same entries for the same change:
//   - DiffTrees: a lower tree and an upper tree (the native snapshotter: the upper is a modified copy).
//   - DiffOverlayUpper: an overlayfs upper directory plus a view of the merged lower layers. Whiteouts
//     (0:0 character devices) and opaque directories (trusted.overlay.opaque=y, user.overlay.opaque=y with
//     userxattr: overlay_options.h) say what is gone; entries
//     identical to the lower view (copy-ups with no real change) are left out.
// Deletions are decided from the lower listing and the resulting listing alone, so that both give the same
// bytes: a directory (not the root) that had entries and keeps none of their names gets one
// ".wh..wh..opq" entry (e.g. `rm -rf d && mkdir d && touch d/new`), and everything in it is new; otherwise
// each name that is gone gets ".wh.name" (only the top-most missing path). With no lower view at all,
// overlay whiteout devices are kept as ".wh.name".
// A path is "changed" when its type, permission/special bits, owner, xattrs (user.*, security.capability,
// system.posix_acl_*), symlink target, device number, or — for regular files — size, mtime or content
// (content is compared when the mtimes are equal but have no sub-second part) differ. Directory mtimes
// are not compared. A directory is emitted when it changed or anything below it is emitted.
// Regular files that share an inode (within the emitted entries) become hardlinks to the first path.
// A file named ".wh.*" in the upper is an error (it would read as a whiteout when applied).
// The trees are walked with directory fds and never through symlinks; both are owned by the caller and
// must not change during the walk.
#ifndef MYBUILD_SNAPSHOTTER_DIFF_H_
#define MYBUILD_SNAPSHOTTER_DIFF_H_

#include <filesystem>
#include <vector>

#include "snapshotter/layer_entry.h"
#include "src/base/status.h"

namespace mybuild::snapshotter {

// `lower` may be empty (no parent): every upper path is new.
StatusOr<std::vector<LayerEntry>> DiffTrees(const std::filesystem::path& lower, const std::filesystem::path& upper);

// `lower_view` may be empty (no parent).
StatusOr<std::vector<LayerEntry>> DiffOverlayUpper(const std::filesystem::path& upper,
                                                   const std::filesystem::path& lower_view);

}  // namespace mybuild::snapshotter

#endif  // MYBUILD_SNAPSHOTTER_DIFF_H_

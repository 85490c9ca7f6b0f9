// Turning a directory tree into one image layer: the bridge between the snapshotter's diff entries and the
// image module's deterministic layer writer. (Lives in src/cli because only the CLI may depend on both
// modules; it may move to a wiring module once the build command needs it too.)
#ifndef MYBUILD_CLI_STORE_LAYER_FROM_TREE_H_
#define MYBUILD_CLI_STORE_LAYER_FROM_TREE_H_

#include <filesystem>
#include <vector>

#include "cache/blob_store.h"
#include "snapshotter/layer_entry.h"
#include "src/base/status.h"
#include "src/image/layer_writer.h"

namespace mybuild::cli {

// Converts one diff entry to a layer-writer entry. A kRegular entry's content is opened (with
// snapshotter::OpenEntryContent: O_NOFOLLOW, size re-checked) only when the tar is written, so the entry's
// `source` must stay in place until then. A kWhiteout keeps its ".wh." name as an empty, mode-0 file, the
// form image::WhiteoutEntry() produces.
image::LayerEntry ToImageLayerEntry(const snapshotter::LayerEntry& entry);

// Writes every entry as one layer into `store`.
StatusOr<image::LayerResult> WriteLayerFromEntries(const cache::BlobStore& store,
                                                   const std::vector<snapshotter::LayerEntry>& entries,
                                                   const image::LayerOptions& options);

// The whole tree below `dir` (not `dir` itself) as one layer, as if added on top of an empty rootfs:
// snapshotter::DiffTrees("", dir). Symlinks are stored as links, never followed; hardlinked files become
// tar hardlinks. `dir` must not change until this returns.
StatusOr<image::LayerResult> WriteLayerFromTree(const cache::BlobStore& store, const std::filesystem::path& dir,
                                                const image::LayerOptions& options);

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_STORE_LAYER_FROM_TREE_H_

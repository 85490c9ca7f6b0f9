// Turning the entries of a snapshot diff (snapshotter/layer_entry.h) into a stored layer blob.
#ifndef MYBUILD_IMAGE_SNAPSHOT_LAYER_H_
#define MYBUILD_IMAGE_SNAPSHOT_LAYER_H_

#include <filesystem>
#include <vector>

#include "cache/blob_store.h"
#include "snapshotter/layer_entry.h"
#include "src/base/status.h"
#include "src/image/layer_writer.h"

namespace mybuild::image {

// The layer-writer form of one diff entry. A regular file's content is opened (OpenEntryContent:
// O_NOFOLLOW, size re-checked) only when the tar is written, so its `source` must stay in place until
// then. A whiteout keeps its ".wh." name as an empty, mode-0 file (the form WhiteoutEntry() makes).
LayerEntry FromSnapshotEntry(const snapshotter::LayerEntry& entry);

// Writes the entries as one deterministic layer into `store`.
StatusOr<LayerResult> WriteSnapshotLayer(const std::vector<snapshotter::LayerEntry>& entries,
                                         const cache::BlobStore& store, const LayerOptions& options);

// The whole tree below `dir` (not `dir` itself) as one layer, as if added on top of an empty rootfs
// (snapshotter::DiffTrees("", dir)): symlinks stored as links, hardlinked files as tar hardlinks. `dir`
// must not change until this returns.
StatusOr<LayerResult> WriteTreeLayer(const std::filesystem::path& dir, const cache::BlobStore& store,
                                     const LayerOptions& options);

}  // namespace mybuild::image

#endif  // MYBUILD_IMAGE_SNAPSHOT_LAYER_H_

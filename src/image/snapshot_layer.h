// Turning the entries of a snapshot diff (snapshotter/layer_entry.h) into a stored layer blob.
#ifndef MYBUILD_IMAGE_SNAPSHOT_LAYER_H_
#define MYBUILD_IMAGE_SNAPSHOT_LAYER_H_

#include <vector>

#include "cache/blob_store.h"
#include "snapshotter/layer_entry.h"
#include "src/base/status.h"
#include "src/image/layer_writer.h"

namespace mybuild::image {

// The layer-writer form of one diff entry; file content is opened (OpenEntryContent) only when written.
LayerEntry FromSnapshotEntry(const snapshotter::LayerEntry& entry);

// Writes the entries as one deterministic layer into `store`.
StatusOr<LayerResult> WriteSnapshotLayer(const std::vector<snapshotter::LayerEntry>& entries,
                                         const cache::BlobStore& store, const LayerOptions& options);

}  // namespace mybuild::image

#endif  // MYBUILD_IMAGE_SNAPSHOT_LAYER_H_

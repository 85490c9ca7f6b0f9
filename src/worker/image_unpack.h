// Unpacking a stored image's layers into the chain of committed snapshots that builds share.
//
// Layer i of an image becomes the committed snapshot "layer-<hex of ChainID(L0..Li)>" (ChainId in
// worker.h), whose parent is the snapshot of layer i-1 (the first layer's parent is the empty
// filesystem). The name depends only on the layers' content, so images and builds that share a prefix of
// layers share its snapshots, and a snapshot that exists already is reused, never unpacked again.
//
// Safe beside concurrent builds and unpacks on the same snapshotter: each layer is applied in a private
// active snapshot, and committing it onto a name another process committed meanwhile keeps theirs
// (MountedSnapshot::CommitWithoutLayer). A failure leaves only complete committed snapshots behind.
#ifndef MYBUILD_WORKER_IMAGE_UNPACK_H_
#define MYBUILD_WORKER_IMAGE_UNPACK_H_

#include <filesystem>
#include <string>

#include "cache/blob_store.h"
#include "snapshotter/snapshotter.h"
#include "src/base/digest.h"
#include "src/base/status.h"
#include "src/image/image_store.h"
#include "src/worker/step_result.h"

namespace mybuild::worker {

// The name of the committed snapshot holding the layer stack whose chain ID is `chain_id`.
std::string LayerSnapshotName(const Digest& chain_id);

// Applies the stored layer blob `layer` on top of the committed snapshot `parent` ("" = empty) and
// commits the result as `name` (an existing `name` wins). Mountpoints are made under `scratch_dir`.
Status UnpackLayerSnapshot(const cache::BlobStore& blobs, snapshotter::Snapshotter& snapshotter,
                           const std::string& parent, const Digest& layer, const std::string& name,
                           const std::filesystem::path& scratch_dir);

// Makes sure every layer of `image` has its chain snapshot, unpacking the missing ones from `blobs`.
// Returns the image's filesystem as a step result: the last layer's snapshot ("" for an image without
// layers) and every layer. `what_for_errors` names the image in errors (e.g. its reference).
StatusOr<SnapshotResult> UnpackImageLayers(const cache::BlobStore& blobs, snapshotter::Snapshotter& snapshotter,
                                           const image::StoredImage& image,
                                           const std::filesystem::path& scratch_dir,
                                           const std::string& what_for_errors);

}  // namespace mybuild::worker

#endif  // MYBUILD_WORKER_IMAGE_UNPACK_H_

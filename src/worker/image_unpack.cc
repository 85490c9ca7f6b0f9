#include "src/worker/image_unpack.h"

#include "snapshotter/layer_apply.h"
#include "snapshotter/rootfs.h"
#include "src/base/unique_fd.h"
#include "src/worker/mounted_snapshot.h"
#include "src/worker/worker.h"

namespace mybuild::worker {

std::string LayerSnapshotName(const Digest& chain_id) { return "layer-" + chain_id.hex(); }

Status UnpackLayerSnapshot(const cache::BlobStore& blobs, snapshotter::Snapshotter& snapshotter,
                           const std::string& parent, const Digest& layer, const std::string& name,
                           const std::filesystem::path& scratch_dir) {
  MB_ASSIGN_OR_RETURN(MountedSnapshot target,
                      MountedSnapshot::Open(snapshotter, parent, MountedSnapshot::Mode::kWritable, scratch_dir));
  MB_ASSIGN_OR_RETURN(snapshotter::RootFs root, snapshotter::RootFs::Open(target.path(), false, "the image"));
  MB_ASSIGN_OR_RETURN(UniqueFd fd, blobs.OpenRead(layer));
  MB_RETURN_IF_ERROR(snapshotter::ApplyLayer(root, fd.get()).status());
  // The layer's blob is in the store already: only the snapshot is committed (no diff, no re-tar).
  return target.CommitWithoutLayer(name);
}

StatusOr<SnapshotResult> UnpackImageLayers(const cache::BlobStore& blobs, snapshotter::Snapshotter& snapshotter,
                                           const image::StoredImage& image,
                                           const std::filesystem::path& scratch_dir,
                                           const std::string& what_for_errors) {
  if (image.config.diff_ids.size() != image.manifest.layers.size()) {
    return InvalidArgument(what_for_errors + ": the manifest has " + std::to_string(image.manifest.layers.size()) +
                           " layers but the config " + std::to_string(image.config.diff_ids.size()) + " diff_ids");
  }
  SnapshotResult result;
  Digest chain;
  for (size_t i = 0; i < image.manifest.layers.size(); ++i) {
    const image::Descriptor& blob = image.manifest.layers[i];
    const Digest& diff_id = image.config.diff_ids[i];
    chain = ChainId(chain, diff_id);
    const std::string name = LayerSnapshotName(chain);
    if (!snapshotter.Stat(name).ok()) {
      Status unpacked = UnpackLayerSnapshot(blobs, snapshotter, result.snapshot, blob.digest, name, scratch_dir);
      if (!unpacked.ok()) {
        return unpacked.WithContext("unpacking layer " + blob.digest.ToString() + " of " + what_for_errors);
      }
    }
    result.snapshot = name;
    result.layers.push_back(LayerRef{blob.digest, diff_id, blob.media_type, static_cast<uint64_t>(blob.size)});
  }
  return result;
}

}  // namespace mybuild::worker

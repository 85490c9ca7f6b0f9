#include "src/engine/container_commit.h"

#include <vector>

#include "src/engine/container_time.h"
#include "src/image/snapshot_layer.h"

namespace mybuild::engine {
namespace {

// The command as docker's history shows it: the arguments joined with spaces.
std::string CreatedBy(const std::vector<std::string>& args) {
  std::string out;
  for (const std::string& arg : args) out += (out.empty() ? "" : " ") + arg;
  return out;
}

}  // namespace

StatusOr<image::StoredImage> CommitContainer(const cache::BlobStore& blobs, snapshotter::Snapshotter& snapshots,
                                             const ContainerRecord& record, const CommitOptions& options) {
  MB_ASSIGN_OR_RETURN(Digest base_digest, Digest::Parse(record.image_digest));
  MB_ASSIGN_OR_RETURN(image::StoredImage base, image::LoadImage(blobs, base_digest));
  MB_ASSIGN_OR_RETURN(std::vector<snapshotter::LayerEntry> entries, snapshots.Diff(record.snapshot));
  image::LayerOptions layer_options;
  layer_options.compression = image::Compression::kNone;  // as a build's layers (compressed on export)
  MB_ASSIGN_OR_RETURN(image::LayerResult layer, image::WriteSnapshotLayer(entries, blobs, layer_options));

  image::ImageConfig config = base.config;
  if (options.edit_config) MB_RETURN_IF_ERROR(options.edit_config(config));
  const std::string created = FormatTimeNanos(NowNanos());
  config.created = created;
  if (!options.author.empty()) config.author = options.author;
  config.diff_ids.push_back(layer.diff_id);
  image::HistoryEntry history;
  history.created = created;
  history.created_by = CreatedBy(record.args);
  history.author = options.author;
  history.comment = options.message;
  config.history.push_back(std::move(history));

  std::vector<image::Descriptor> layers = base.manifest.layers;
  layers.push_back(layer.blob);
  return image::StoreImage(blobs, config, layers);
}

}  // namespace mybuild::engine

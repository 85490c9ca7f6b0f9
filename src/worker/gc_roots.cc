#include "src/worker/gc_roots.h"

#include <string>
#include <vector>

#include "src/image/descriptor.h"
#include "src/image/image_config.h"
#include "src/image/manifest.h"
#include "src/worker/image_unpack.h"
#include "src/worker/step_result.h"
#include "src/worker/worker.h"

namespace mybuild::worker {
namespace {

// An index inside an index inside an index … is not something we store; the limit keeps a hostile or
// corrupt store from recursing without end.
constexpr int kMaxIndexDepth = 4;

// Marks the layer-<ChainID> snapshot of every prefix of the layers with these diff_ids.
void MarkChainSnapshots(const std::vector<Digest>& diff_ids, cache::LiveSet& live) {
  Digest chain;
  for (const Digest& diff_id : diff_ids) {
    chain = ChainId(chain, diff_id);
    live.snapshots.insert(LayerSnapshotName(chain));
  }
}

// Reads a JSON blob of the store, or std::nullopt when it is missing.
StatusOr<std::optional<std::string>> ReadIfPresent(const cache::BlobStore& blobs, const Digest& digest) {
  StatusOr<std::string> text = blobs.ReadAll(digest, image::kMaxJsonBytes);
  if (text.ok()) return std::optional<std::string>(std::move(*text));
  if (text.status().code() == StatusCode::kNotFound) return std::optional<std::string>();
  return text.status();
}

Status MarkManifest(const cache::BlobStore& blobs, const Digest& digest, int depth, cache::LiveSet& live) {
  if (!live.blobs.insert(digest).second) return Status::Ok();  // reached already
  MB_ASSIGN_OR_RETURN(std::optional<std::string> text, ReadIfPresent(blobs, digest));
  if (!text) return Status::Ok();
  const std::string what = "manifest " + digest.ToString();
  MB_ASSIGN_OR_RETURN(nlohmann::json json, image::ParseJson(*text, what));
  if (json.is_object() && json.contains("manifests")) {
    if (depth >= kMaxIndexDepth) return DataLoss(what + ": indexes nested too deep");
    StatusOr<image::Index> index = image::ParseIndex(*text);
    if (!index.ok()) return DataLoss(index.status().WithContext(what).message());
    for (const image::Descriptor& child : index->manifests) {
      MB_RETURN_IF_ERROR(MarkManifest(blobs, child.digest, depth + 1, live));
    }
    return Status::Ok();
  }
  StatusOr<image::Manifest> manifest = image::ParseManifest(*text);
  if (!manifest.ok()) return DataLoss(manifest.status().WithContext(what).message());
  live.blobs.insert(manifest->config.digest);
  for (const image::Descriptor& layer : manifest->layers) live.blobs.insert(layer.digest);
  MB_ASSIGN_OR_RETURN(std::optional<std::string> config_text, ReadIfPresent(blobs, manifest->config.digest));
  if (!config_text) return Status::Ok();
  StatusOr<image::ImageConfig> config = image::ParseImageConfig(*config_text);
  if (!config.ok()) {
    return DataLoss(config.status().WithContext("config " + manifest->config.digest.ToString()).message());
  }
  MarkChainSnapshots(config->diff_ids, live);
  return Status::Ok();
}

}  // namespace

Status MarkImage(const cache::BlobStore& blobs, const Digest& manifest, cache::LiveSet& live) {
  return MarkManifest(blobs, manifest, 0, live);
}

Status MarkStepResult(const solver::StepResult& result, cache::LiveSet& live) {
  MB_ASSIGN_OR_RETURN(SnapshotResult decoded, DecodeResult(result));
  std::vector<Digest> diff_ids;
  for (const LayerRef& layer : decoded.layers) {
    live.blobs.insert(layer.digest);
    diff_ids.push_back(layer.diff_id);
  }
  if (!decoded.snapshot.empty()) live.snapshots.insert(decoded.snapshot);
  MarkChainSnapshots(diff_ids, live);
  return Status::Ok();
}

}  // namespace mybuild::worker

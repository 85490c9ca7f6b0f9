#include "src/worker/imported_cache_index.h"

#include <memory>

#include <spdlog/spdlog.h>

#include "src/image/exporters.h"

namespace mybuild::worker {
namespace {

constexpr uint64_t kMaxLayerUncompressed = 64ull << 30;

}  // namespace

Status ImportedCacheIndex::FetchLayers(const ImportedCache& cache, const SnapshotResult& result) {
  for (const LayerRef& layer : result.layers) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (checked_.count(layer.digest)) continue;
    }
    if (!blobs_.Has(layer.digest)) {
      MB_RETURN_IF_ERROR(cache.fetch_layer(layer));
    }
    MB_ASSIGN_OR_RETURN(auto uncompressed,
                        image::UncompressedDigest(blobs_, layer.digest, layer.media_type, kMaxLayerUncompressed));
    if (uncompressed.first != layer.diff_id) {
      return DataLoss("layer " + layer.digest.ToString() + " decompresses to " + uncompressed.first.ToString() +
                      ", not to the diff_id " + layer.diff_id.ToString() + " its record claims");
    }
    std::lock_guard<std::mutex> lock(mutex_);
    checked_.insert(layer.digest);
  }
  return Status::Ok();
}

StatusOr<std::optional<solver::StepResult>> ImportedCacheIndex::Lookup(const Digest& key) {
  MB_ASSIGN_OR_RETURN(std::optional<solver::StepResult> own, local_.Lookup(key));
  // Without imports (most builds) the solver's CanReuse is the only check of the blobs.
  if (imported_.empty() || (own && LayerBlobsPresent(blobs_, *own))) return own;
  for (const ImportedCache& cache : imported_) {
    auto found = cache.records.find(key);
    if (found == cache.records.end()) continue;
    Status fetched = FetchLayers(cache, found->second);
    if (!fetched.ok()) {
      // A damaged cache is a miss, as BuildKit treats failed cache imports: the step runs.
      spdlog::warn("imported cache {}: {}", cache.origin, fetched.ToString());
      continue;
    }
    solver::StepResult result = EncodeResult(found->second);
    MB_RETURN_IF_ERROR(local_.Record(key, result));
    return std::optional<solver::StepResult>(std::move(result));
  }
  return own;
}

ImportedCache ImportFromLayout(CacheLayout layout, const std::filesystem::path& dir, const cache::BlobStore& root) {
  auto source = std::make_shared<cache::BlobStore>(std::move(layout.blobs));
  return ImportedCache{dir.string(), std::move(layout.records), [source, &root](const LayerRef& layer) {
                         return root.CopyFrom(*source, layer.digest);
                       }};
}

}  // namespace mybuild::worker

#include "src/worker/imported_cache_index.h"

#include <spdlog/spdlog.h>

namespace mybuild::worker {

StatusOr<std::optional<solver::StepResult>> ImportedCacheIndex::Lookup(const Digest& key) {
  MB_ASSIGN_OR_RETURN(std::optional<solver::StepResult> own, local_.Lookup(key));
  if (own && LayerBlobsPresent(blobs_, *own)) return own;
  for (const CacheLayout& layout : imported_) {
    auto found = layout.records.find(key);
    if (found == layout.records.end()) continue;
    Status copied = Status::Ok();
    for (const LayerRef& layer : found->second.layers) {
      copied = blobs_.CopyFrom(layout.blobs, layer.digest);
      if (!copied.ok()) break;
    }
    if (!copied.ok()) {
      // A damaged cache is a miss, as BuildKit treats failed cache imports: the step runs.
      spdlog::warn("imported cache {}: {}", layout.blobs.root().string(), copied.ToString());
      continue;
    }
    solver::StepResult result = EncodeResult(found->second);
    MB_RETURN_IF_ERROR(local_.Record(key, result));
    return std::optional<solver::StepResult>(std::move(result));
  }
  return own;
}

}  // namespace mybuild::worker

#include "src/cli/store_base_resolver.h"

#include "src/cli/image_config_conversion.h"
#include "src/image/reference.h"

namespace mybuild::cli {

StatusOr<image::StoredImage> StoreBaseResolver::Pin(const std::string& reference) {
  if (auto found = stored_.find(reference); found != stored_.end()) return found->second;
  StatusOr<std::string> normalized = image::NormalizeReference(reference);
  if (!normalized.ok()) return normalized.status();
  StatusOr<Digest> manifest = images_.Resolve(*normalized);
  if (!manifest.ok() && manifest.status().code() == StatusCode::kNotFound && puller_) {
    StatusOr<Digest> pulled = puller_(*normalized);
    if (!pulled.ok()) {
      return NotFound("image \"" + reference + "\" is not in the local image store and pulling it failed: " +
                      pulled.status().ToString() + " (pull it with `mybuild pull`, import it with `mybuild import`, "
                      "load it with `mybuild load`, or build it with -t)");
    }
    manifest = pulled;
  }
  if (!manifest.ok()) {
    if (manifest.status().code() == StatusCode::kNotFound) {
      return NotFound("image \"" + reference + "\" is not in the local image store (import it with `mybuild import`, "
                      "load it with `mybuild load`, or build it with -t)");
    }
    return manifest.status();
  }
  MB_ASSIGN_OR_RETURN(image::StoredImage stored, image::LoadImage(blobs_, *manifest));
  pinned_[reference] = planner::PinnedImage{*normalized, manifest->ToString()};
  stored_[reference] = stored;
  return stored;
}

StatusOr<planner::ImageConfig> StoreBaseResolver::Resolve(const std::string& reference,
                                                         const planner::Platform& platform) {
  MB_ASSIGN_OR_RETURN(image::StoredImage stored, Pin(reference));
  return ToPlannerConfig(stored.config);
}

const image::StoredImage* StoreBaseResolver::Find(const std::string& reference) const {
  auto found = stored_.find(reference);
  return found == stored_.end() ? nullptr : &found->second;
}

}  // namespace mybuild::cli

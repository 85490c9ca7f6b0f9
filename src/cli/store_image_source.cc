#include "src/cli/store_image_source.h"

#include "src/cli/registry_access.h"
#include "src/image/reference.h"

namespace mybuild::cli {

StatusOr<image::StoredImage> StoreImageSource::Get(const std::string& reference, engine::PullPolicy policy) {
  if (policy == engine::PullPolicy::kAlways) {
    MB_ASSIGN_OR_RETURN(Digest pulled, Pull(reference));
    return image::LoadImage(store_.blobs, pulled);
  }
  StatusOr<ResolvedImage> resolved = ResolveImage(store_, reference);
  if (resolved.ok()) return image::LoadImage(store_.blobs, resolved->manifest);
  if (resolved.status().code() != StatusCode::kNotFound) return resolved.status();
  if (policy == engine::PullPolicy::kNever) {
    return NotFound("no such image: " + reference + " (not in the local store, and --pull never)");
  }
  StatusOr<Digest> pulled = Pull(reference);
  if (!pulled.ok()) {
    return NotFound("image \"" + reference + "\" is not in the local store and pulling it failed: " +
                    pulled.status().ToString());
  }
  return image::LoadImage(store_.blobs, *pulled);
}

StatusOr<Digest> StoreImageSource::Pull(const std::string& reference) {
  MB_ASSIGN_OR_RETURN(std::string name, image::NormalizeReference(reference));
  return PullForBuild(store_.blobs, store_.images, name);
}

}  // namespace mybuild::cli

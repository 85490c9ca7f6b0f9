#include "src/registry/platform_match.h"

namespace mybuild::registry {

StatusOr<image::Descriptor> SelectPlatform(const image::Index& index, const image::Platform& wanted) {
  const image::Descriptor* best = nullptr;
  std::string available;
  for (const image::Descriptor& entry : index.manifests) {
    if (!image::IsManifestMediaType(entry.media_type)) continue;
    if (!entry.platform) continue;
    const image::Platform& platform = *entry.platform;
    available += (available.empty() ? "" : ", ") + platform.os + "/" + platform.architecture +
                 (platform.variant.empty() ? "" : "/" + platform.variant);
    if (platform.os != wanted.os || platform.architecture != wanted.architecture) continue;
    if (!wanted.variant.empty()) {
      if (platform.variant != wanted.variant) continue;
      return entry;
    }
    if (platform.variant.empty()) return entry;
    if (best == nullptr) best = &entry;
  }
  if (best != nullptr) return *best;
  return NotFound("the image index has no manifest for " + wanted.os + "/" + wanted.architecture +
                  (wanted.variant.empty() ? "" : "/" + wanted.variant) + " (it has: " +
                  (available.empty() ? "none" : available) + ")");
}

}  // namespace mybuild::registry

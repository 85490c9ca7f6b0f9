// Choosing the manifest of one platform from an image index (docker pull's rule: os and architecture
// must be equal; a wanted variant must be equal too, and without one an entry without a variant is
// preferred; entries that are attestations, with platform unknown/unknown, never match).
#ifndef MYBUILD_REGISTRY_PLATFORM_MATCH_H_
#define MYBUILD_REGISTRY_PLATFORM_MATCH_H_

#include "src/base/status.h"
#include "src/image/manifest.h"

namespace mybuild::registry {

// The index entry for `wanted` (os, architecture, optional variant); kNotFound listing what the index has.
StatusOr<image::Descriptor> SelectPlatform(const image::Index& index, const image::Platform& wanted);

}  // namespace mybuild::registry

#endif  // MYBUILD_REGISTRY_PLATFORM_MATCH_H_

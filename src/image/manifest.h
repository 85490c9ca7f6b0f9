// OCI image manifests and indexes (image-spec v1), parsed from and serialised to canonical JSON.
#ifndef MYBUILD_IMAGE_MANIFEST_H_
#define MYBUILD_IMAGE_MANIFEST_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/image/descriptor.h"

namespace mybuild::image {

// Annotation keys used on index entries.
inline constexpr std::string_view kRefNameAnnotation = "org.opencontainers.image.ref.name";
inline constexpr std::string_view kContainerdNameAnnotation = "io.containerd.image.name";

struct Manifest {
  int schema_version = 2;
  std::string media_type{media_type::kOciManifest};
  Descriptor config;
  std::vector<Descriptor> layers;
  std::map<std::string, std::string> annotations;
  bool operator==(const Manifest&) const = default;
};

struct Index {
  int schema_version = 2;
  std::string media_type{media_type::kOciIndex};
  std::vector<Descriptor> manifests;
  std::map<std::string, std::string> annotations;
  bool operator==(const Index&) const = default;
};

// Canonical JSON (sorted keys, compact). The digest of these bytes is the manifest/index digest.
std::string Serialize(const Manifest& manifest);
std::string Serialize(const Index& index);

// Parse at most kMaxJsonBytes; accept OCI and Docker schema-2 media types; validate every descriptor.
StatusOr<Manifest> ParseManifest(std::string_view json);
StatusOr<Index> ParseIndex(std::string_view json);

// Whether a media type names a single-image manifest / a multi-image index.
bool IsManifestMediaType(std::string_view type);
bool IsIndexMediaType(std::string_view type);

}  // namespace mybuild::image

#endif  // MYBUILD_IMAGE_MANIFEST_H_

// OCI content descriptors, platforms and media types, with deterministic JSON.
//
// JSON produced by this module is canonical: object keys sorted (nlohmann::json's default object is a
// std::map), no insignificant whitespace, optional fields omitted when empty. The same value therefore
// always serialises to the same bytes, and so to the same digest.
#ifndef MYBUILD_IMAGE_DESCRIPTOR_H_
#define MYBUILD_IMAGE_DESCRIPTOR_H_

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/base/digest.h"
#include "src/base/status.h"

namespace mybuild::image {

namespace media_type {
inline constexpr std::string_view kOciManifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view kOciIndex = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view kOciConfig = "application/vnd.oci.image.config.v1+json";
inline constexpr std::string_view kOciLayer = "application/vnd.oci.image.layer.v1.tar";
inline constexpr std::string_view kOciLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
inline constexpr std::string_view kOciLayerZstd = "application/vnd.oci.image.layer.v1.tar+zstd";
inline constexpr std::string_view kDockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view kDockerManifestList =
    "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr std::string_view kDockerConfig = "application/vnd.docker.container.image.v1+json";
inline constexpr std::string_view kDockerLayer = "application/vnd.docker.image.rootfs.diff.tar";
inline constexpr std::string_view kDockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";
}  // namespace media_type

// How a layer blob is compressed.
enum class Compression { kNone, kGzip, kZstd };

// The OCI layer media type for a compression.
std::string_view LayerMediaType(Compression compression);
// The compression of an OCI or Docker layer media type; kInvalidArgument for other media types.
StatusOr<Compression> CompressionOfMediaType(std::string_view media_type);

// Upper bound for any manifest, index or config JSON we parse (registries use the same).
inline constexpr uint64_t kMaxJsonBytes = 4ull << 20;

struct Platform {
  std::string architecture;  // e.g. "amd64"
  std::string os;            // e.g. "linux"
  std::string variant;       // e.g. "v8"; empty when none
  std::string os_version;
  std::vector<std::string> os_features;
  bool operator==(const Platform&) const = default;
};

struct Descriptor {
  std::string media_type;
  Digest digest;
  int64_t size = 0;
  std::map<std::string, std::string> annotations;
  std::optional<Platform> platform;
  std::vector<std::string> urls;
  bool operator==(const Descriptor&) const = default;
};

nlohmann::json ToJson(const Platform& platform);
nlohmann::json ToJson(const Descriptor& descriptor);
// Validates types, a non-negative size and the digest (Digest::Parse). `where` names the field in errors.
StatusOr<Platform> PlatformFromJson(const nlohmann::json& json, const std::string& where);
StatusOr<Descriptor> DescriptorFromJson(const nlohmann::json& json, const std::string& where);

// Compact, key-sorted serialisation of any JSON value (the canonical form used for digests).
std::string CanonicalJson(const nlohmann::json& json);
// Parses JSON text of at most kMaxJsonBytes without throwing; errors name `what`.
StatusOr<nlohmann::json> ParseJson(std::string_view text, const std::string& what);

}  // namespace mybuild::image

#endif  // MYBUILD_IMAGE_DESCRIPTOR_H_

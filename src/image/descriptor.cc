#include "src/image/descriptor.h"

#include "src/image/json_fields.h"

namespace mybuild::image {

using namespace json_fields;  // NOLINT: internal helpers of this module

std::string_view LayerMediaType(Compression compression) {
  switch (compression) {
    case Compression::kNone: return media_type::kOciLayer;
    case Compression::kGzip: return media_type::kOciLayerGzip;
    case Compression::kZstd: return media_type::kOciLayerZstd;
  }
  return media_type::kOciLayer;
}

StatusOr<Compression> CompressionOfMediaType(std::string_view type) {
  if (type == media_type::kOciLayer || type == media_type::kDockerLayer ||
      type == "application/vnd.oci.image.layer.nondistributable.v1.tar") {
    return Compression::kNone;
  }
  if (type == media_type::kOciLayerGzip || type == media_type::kDockerLayerGzip ||
      type == "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip") {
    return Compression::kGzip;
  }
  if (type == media_type::kOciLayerZstd) return Compression::kZstd;
  return InvalidArgument("unsupported layer media type \"" + std::string(type) + "\"");
}

nlohmann::json ToJson(const Platform& platform) {
  nlohmann::json json = nlohmann::json::object();
  json["architecture"] = platform.architecture;
  json["os"] = platform.os;
  if (!platform.variant.empty()) json["variant"] = platform.variant;
  if (!platform.os_version.empty()) json["os.version"] = platform.os_version;
  if (!platform.os_features.empty()) json["os.features"] = platform.os_features;
  return json;
}

nlohmann::json ToJson(const Descriptor& descriptor) {
  nlohmann::json json = nlohmann::json::object();
  json["mediaType"] = descriptor.media_type;
  json["digest"] = descriptor.digest.ToString();
  json["size"] = descriptor.size;
  if (!descriptor.annotations.empty()) json["annotations"] = descriptor.annotations;
  if (descriptor.platform) json["platform"] = ToJson(*descriptor.platform);
  if (!descriptor.urls.empty()) json["urls"] = descriptor.urls;
  return json;
}

StatusOr<Platform> PlatformFromJson(const nlohmann::json& json, const std::string& where) {
  MB_RETURN_IF_ERROR(RequireObject(json, where));
  Platform platform;
  MB_RETURN_IF_ERROR(GetString(json, "architecture", where, platform.architecture));
  MB_RETURN_IF_ERROR(GetString(json, "os", where, platform.os));
  MB_RETURN_IF_ERROR(GetString(json, "variant", where, platform.variant));
  MB_RETURN_IF_ERROR(GetString(json, "os.version", where, platform.os_version));
  MB_RETURN_IF_ERROR(GetStrings(json, "os.features", where, platform.os_features));
  return platform;
}

StatusOr<Descriptor> DescriptorFromJson(const nlohmann::json& json, const std::string& where) {
  MB_RETURN_IF_ERROR(RequireObject(json, where));
  Descriptor descriptor;
  MB_RETURN_IF_ERROR(GetString(json, "mediaType", where, descriptor.media_type));
  std::string digest;
  MB_RETURN_IF_ERROR(GetString(json, "digest", where, digest));
  StatusOr<Digest> parsed = Digest::Parse(digest);
  if (!parsed.ok()) return parsed.status().WithContext(where + ".digest");
  descriptor.digest = *parsed;
  if (!json.contains("size")) return InvalidArgument(where + ".size: missing");
  MB_RETURN_IF_ERROR(GetInt(json, "size", where, descriptor.size));
  if (descriptor.size < 0) return InvalidArgument(where + ".size: expected a non-negative integer");
  MB_RETURN_IF_ERROR(GetStringMap(json, "annotations", where, descriptor.annotations));
  MB_RETURN_IF_ERROR(GetStrings(json, "urls", where, descriptor.urls));
  if (json.contains("platform") && !json["platform"].is_null()) {
    MB_ASSIGN_OR_RETURN(descriptor.platform, PlatformFromJson(json["platform"], where + ".platform"));
  }
  return descriptor;
}

std::string CanonicalJson(const nlohmann::json& json) {
  // Invalid UTF-8 is replaced rather than thrown on: serialisation must never throw.
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

StatusOr<nlohmann::json> ParseJson(std::string_view text, const std::string& what) {
  if (text.size() > kMaxJsonBytes) {
    return ResourceExhausted(what + " is " + std::to_string(text.size()) + " bytes, more than the limit of " +
                             std::to_string(kMaxJsonBytes));
  }
  nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return InvalidArgument(what + ": not valid JSON");
  return json;
}

}  // namespace mybuild::image

#include "src/image/manifest.h"

#include "src/image/json_fields.h"

namespace mybuild::image {

using namespace json_fields;  // NOLINT: internal helpers of this module

namespace {

Status ParseHeader(const nlohmann::json& json, const std::string& what, int& schema_version,
                   std::string& media_type, std::map<std::string, std::string>& annotations) {
  MB_RETURN_IF_ERROR(RequireObject(json, what));
  int64_t version = 0;
  MB_RETURN_IF_ERROR(GetInt(json, "schemaVersion", what, version));
  if (version != 2)
    return InvalidArgument(what + ".schemaVersion: expected 2, got " + std::to_string(version));
  schema_version = 2;
  media_type.clear();
  MB_RETURN_IF_ERROR(GetString(json, "mediaType", what, media_type));
  return GetStringMap(json, "annotations", what, annotations);
}

}  // namespace

bool IsManifestMediaType(std::string_view type) {
  return type == media_type::kOciManifest || type == media_type::kDockerManifest;
}

bool IsIndexMediaType(std::string_view type) {
  return type == media_type::kOciIndex || type == media_type::kDockerManifestList;
}

std::string Serialize(const Manifest& manifest) {
  nlohmann::json json = nlohmann::json::object();
  json["schemaVersion"] = manifest.schema_version;
  if (!manifest.media_type.empty()) json["mediaType"] = manifest.media_type;
  json["config"] = ToJson(manifest.config);
  json["layers"] = nlohmann::json::array();
  for (const Descriptor& layer : manifest.layers) json["layers"].push_back(ToJson(layer));
  if (!manifest.annotations.empty()) json["annotations"] = manifest.annotations;
  return CanonicalJson(json);
}

std::string Serialize(const Index& index) {
  nlohmann::json json = nlohmann::json::object();
  json["schemaVersion"] = index.schema_version;
  if (!index.media_type.empty()) json["mediaType"] = index.media_type;
  json["manifests"] = nlohmann::json::array();
  for (const Descriptor& manifest : index.manifests) json["manifests"].push_back(ToJson(manifest));
  if (!index.annotations.empty()) json["annotations"] = index.annotations;
  return CanonicalJson(json);
}

StatusOr<Manifest> ParseManifest(std::string_view text) {
  MB_ASSIGN_OR_RETURN(nlohmann::json json, ParseJson(text, "image manifest"));
  Manifest manifest;
  MB_RETURN_IF_ERROR(
      ParseHeader(json, "manifest", manifest.schema_version, manifest.media_type, manifest.annotations));
  if (!manifest.media_type.empty() && !IsManifestMediaType(manifest.media_type)) {
    return InvalidArgument("manifest.mediaType: expected an image manifest, got \"" + manifest.media_type +
                           "\"");
  }
  if (!json.contains("config")) return InvalidArgument("manifest.config: missing");
  MB_ASSIGN_OR_RETURN(manifest.config, DescriptorFromJson(json["config"], "manifest.config"));
  if (json.contains("layers") && !json["layers"].is_null()) {
    if (!json["layers"].is_array()) return InvalidArgument("manifest.layers: expected an array");
    size_t i = 0;
    for (const auto& layer : json["layers"]) {
      MB_ASSIGN_OR_RETURN(Descriptor descriptor,
                          DescriptorFromJson(layer, "manifest.layers[" + std::to_string(i++) + "]"));
      manifest.layers.push_back(std::move(descriptor));
    }
  }
  return manifest;
}

StatusOr<Index> ParseIndex(std::string_view text) {
  MB_ASSIGN_OR_RETURN(nlohmann::json json, ParseJson(text, "image index"));
  Index index;
  MB_RETURN_IF_ERROR(ParseHeader(json, "index", index.schema_version, index.media_type, index.annotations));
  if (!index.media_type.empty() && !IsIndexMediaType(index.media_type)) {
    return InvalidArgument("index.mediaType: expected an image index, got \"" + index.media_type + "\"");
  }
  if (json.contains("manifests") && !json["manifests"].is_null()) {
    if (!json["manifests"].is_array()) return InvalidArgument("index.manifests: expected an array");
    size_t i = 0;
    for (const auto& entry : json["manifests"]) {
      MB_ASSIGN_OR_RETURN(Descriptor descriptor,
                          DescriptorFromJson(entry, "index.manifests[" + std::to_string(i++) + "]"));
      index.manifests.push_back(std::move(descriptor));
    }
  }
  return index;
}

}  // namespace mybuild::image

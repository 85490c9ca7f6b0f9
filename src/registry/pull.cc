#include "src/registry/pull.h"

#include <nlohmann/json.hpp>

#include "src/image/exporters.h"
#include "src/image/image_config.h"
#include "src/image/manifest.h"
#include "src/registry/platform_match.h"

namespace mybuild::registry {
namespace {

// A layer's uncompressed tar may be much larger than the blob, but not without bound.
constexpr uint64_t kMaxLayerUncompressed = 64ull << 30;

// Whether the bytes are an index: by Content-Type, else (registries that send none) by the JSON.
bool IsIndex(const FetchedManifest& fetched) {
  if (image::IsIndexMediaType(fetched.media_type)) return true;
  if (image::IsManifestMediaType(fetched.media_type)) return false;
  nlohmann::json json = nlohmann::json::parse(fetched.bytes, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return false;
  if (json.contains("mediaType") && json["mediaType"].is_string()) {
    return image::IsIndexMediaType(json["mediaType"].get<std::string>());
  }
  return json.contains("manifests");
}

// Makes sure the blob is in the store, downloading it when missing.
Status EnsureBlob(RegistryClient& client, const image::Descriptor& descriptor, const cache::BlobStore& blobs,
                  PulledImage& pulled, const ProgressLog& log) {
  if (blobs.Has(descriptor.digest)) {
    ++pulled.blobs_present;
    log(descriptor.digest.ToString() + ": already present");
    return Status::Ok();
  }
  MB_ASSIGN_OR_RETURN(cache::BlobInfo info, client.FetchBlob(descriptor, blobs));
  ++pulled.blobs_fetched;
  pulled.bytes_fetched += info.size;
  log(descriptor.digest.ToString() + ": downloaded (" + std::to_string(info.size) + " bytes)");
  return Status::Ok();
}

}  // namespace

StatusOr<PulledImage> PullImage(RegistryClient& client, const std::string& reference, const image::Platform& platform,
                                const cache::BlobStore& blobs, const ProgressLog& log) {
  PulledImage pulled;
  const std::string name = client.endpoint().domain + "/" + client.repository();
  MB_ASSIGN_OR_RETURN(FetchedManifest fetched, client.GetManifest(reference));
  if (IsIndex(fetched)) {
    MB_ASSIGN_OR_RETURN(image::Index index, image::ParseIndex(fetched.bytes));
    StatusOr<image::Descriptor> chosen = SelectPlatform(index, platform);
    if (!chosen.ok()) return chosen.status().WithContext(name + ":" + reference);
    pulled.index = fetched.digest;
    log(name + ":" + reference + ": index " + fetched.digest.ToString() + ", platform manifest " +
        chosen->digest.ToString());
    MB_ASSIGN_OR_RETURN(fetched, client.GetManifest(chosen->digest.ToString()));
    if (fetched.digest != chosen->digest) {
      return DataLoss(name + ": the platform manifest has digest " + fetched.digest.ToString() + ", the index says " +
                      chosen->digest.ToString());
    }
    if (IsIndex(fetched)) return InvalidArgument(name + ": the index entry for the platform is another index");
  }
  StatusOr<image::Manifest> manifest = image::ParseManifest(fetched.bytes);
  if (!manifest.ok()) return manifest.status().WithContext("manifest of " + name + ":" + reference);

  // The config: bounded, verified, then parsed from the stored (verified) bytes.
  if (manifest->config.size < 0 || static_cast<uint64_t>(manifest->config.size) > image::kMaxJsonBytes) {
    return ResourceExhausted(name + ": the image config is " + std::to_string(manifest->config.size) +
                             " bytes, more than the " + std::to_string(image::kMaxJsonBytes) + " allowed");
  }
  MB_RETURN_IF_ERROR(EnsureBlob(client, manifest->config, blobs, pulled, log));
  MB_ASSIGN_OR_RETURN(std::string config_text, blobs.ReadAll(manifest->config.digest, image::kMaxJsonBytes));
  StatusOr<image::ImageConfig> config = image::ParseImageConfig(config_text);
  if (!config.ok()) return config.status().WithContext("config of " + name + ":" + reference);
  if (config->diff_ids.size() != manifest->layers.size()) {
    return InvalidArgument(name + ":" + reference + ": the manifest has " + std::to_string(manifest->layers.size()) +
                           " layers but the config " + std::to_string(config->diff_ids.size()) + " diff_ids");
  }

  for (size_t i = 0; i < manifest->layers.size(); ++i) {
    const image::Descriptor& layer = manifest->layers[i];
    MB_RETURN_IF_ERROR(image::CompressionOfMediaType(layer.media_type).status());
    MB_RETURN_IF_ERROR(EnsureBlob(client, layer, blobs, pulled, log));
    MB_ASSIGN_OR_RETURN(auto uncompressed,
                        image::UncompressedDigest(blobs, layer.digest, layer.media_type, kMaxLayerUncompressed));
    if (uncompressed.first != config->diff_ids[i]) {
      return DataLoss(name + ":" + reference + ": layer " + std::to_string(i) + " (" + layer.digest.ToString() +
                      ") decompresses to " + uncompressed.first.ToString() + " but the config says " +
                      config->diff_ids[i].ToString());
    }
  }
  // Last: the manifest, the only blob that makes the others an image.
  MB_RETURN_IF_ERROR(blobs.Put(fetched.bytes, fetched.digest).status());
  pulled.manifest = fetched.digest;
  return pulled;
}

}  // namespace mybuild::registry

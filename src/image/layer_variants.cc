#include "src/image/layer_variants.h"

#include <algorithm>
#include <set>
#include <system_error>
#include <vector>

#include "src/base/files.h"
#include "src/image/layer_recompress.h"
#include "src/image/manifest.h"

namespace mybuild::image {
namespace {

std::string VariantName(const LayerEncoding& encoding) {
  switch (encoding.compression) {
    case Compression::kGzip:
      return "gzip-" + std::to_string(encoding.levels.gzip_level);
    case Compression::kZstd:
      return "zstd-" + std::to_string(encoding.levels.zstd_level);
    case Compression::kNone:
      break;
  }
  return "none";
}

std::filesystem::path VariantsDir(const cache::BlobStore& blobs) { return blobs.root() / "variants"; }

std::filesystem::path VariantPath(const cache::BlobStore& blobs, const Digest& source, const LayerEncoding& encoding) {
  return VariantsDir(blobs) / source.hex() / VariantName(encoding);
}

// The remembered variant, if its entry parses and its blob is still there.
std::optional<Digest> FindVariantDigest(const cache::BlobStore& blobs, const Digest& source, const LayerEncoding& encoding) {
  StatusOr<std::optional<std::string>> text = ReadFileIfPresent(VariantPath(blobs, source, encoding), 256);
  if (!text.ok() || !*text) return std::nullopt;
  StatusOr<Digest> digest = Digest::Parse(**text);
  if (!digest.ok() || !blobs.Has(*digest)) return std::nullopt;
  return *digest;
}

std::optional<Descriptor> FindVariant(const cache::BlobStore& blobs, const Descriptor& layer,
                                      const LayerEncoding& encoding) {
  StatusOr<std::optional<std::string>> text = ReadFileIfPresent(VariantPath(blobs, layer.digest, encoding), 256);
  if (!text.ok() || !*text) return std::nullopt;
  StatusOr<Digest> digest = Digest::Parse(**text);
  if (!digest.ok() || !blobs.Has(*digest)) return std::nullopt;
  StatusOr<uint64_t> size = blobs.Size(*digest);
  if (!size.ok()) return std::nullopt;
  Descriptor found = layer;
  found.media_type = std::string(LayerMediaType(encoding.compression));
  found.digest = *digest;
  found.size = static_cast<int64_t>(*size);
  return found;
}

Status RememberVariant(const cache::BlobStore& blobs, const Digest& source, const LayerEncoding& encoding,
                       const Digest& variant) {
  const std::filesystem::path path = VariantPath(blobs, source, encoding);
  std::error_code error;
  std::filesystem::create_directories(path.parent_path(), error);
  if (error) return Status(StatusCode::kIo, "mkdir " + path.parent_path().string() + ": " + error.message());
  return WriteFileAtomically(path, variant.ToString());
}

}  // namespace

LayerOptions WithEncoding(LayerOptions options, const LayerEncoding& encoding) {
  options.compression = encoding.compression;
  options.levels = encoding.levels;
  return options;
}

StatusOr<Descriptor> LayerInEncoding(const cache::BlobStore& blobs, const Descriptor& layer, const Digest& diff_id,
                                     const LayerEncoding& encoding) {
  MB_ASSIGN_OR_RETURN(Compression current, CompressionOfMediaType(layer.media_type));
  if (current == encoding.compression) return layer;
  if (current != Compression::kNone && !encoding.force) return layer;
  if (std::optional<Descriptor> found = FindVariant(blobs, layer, encoding)) return *found;
  MB_ASSIGN_OR_RETURN(Descriptor made,
                      RecompressLayer(blobs, layer, diff_id, encoding.compression, encoding.levels));
  MB_RETURN_IF_ERROR(RememberVariant(blobs, layer.digest, encoding, made.digest));
  return made;
}

StatusOr<StoredImage> ImageInEncoding(const cache::BlobStore& blobs, const Digest& manifest_digest,
                                      const LayerEncoding& encoding) {
  MB_ASSIGN_OR_RETURN(StoredImage image, LoadImage(blobs, manifest_digest));
  if (std::optional<Digest> known = FindVariantDigest(blobs, manifest_digest, encoding)) {
    StatusOr<StoredImage> variant = LoadImage(blobs, *known);
    const bool whole = variant.ok() && std::all_of(variant->manifest.layers.begin(), variant->manifest.layers.end(),
                                                   [&](const Descriptor& layer) { return blobs.Has(layer.digest); });
    if (whole) return variant;
  }
  std::vector<Descriptor> layers;
  bool changed = false;
  for (size_t i = 0; i < image.manifest.layers.size(); ++i) {
    const Descriptor& layer = image.manifest.layers[i];
    MB_ASSIGN_OR_RETURN(Descriptor encoded, LayerInEncoding(blobs, layer, image.config.diff_ids[i], encoding));
    changed = changed || encoded.digest != layer.digest;
    layers.push_back(std::move(encoded));
  }
  if (!changed) return image;
  // The same config blob (the image ID stays), a manifest of its own over the encoded layers.
  image.manifest.layers = std::move(layers);
  MB_ASSIGN_OR_RETURN(cache::BlobInfo stored, blobs.Put(Serialize(image.manifest)));
  MB_RETURN_IF_ERROR(RememberVariant(blobs, manifest_digest, encoding, stored.digest));
  image.manifest_digest = stored.digest;
  return image;
}

StatusOr<Digest> ManifestInEncoding(const cache::BlobStore& blobs, const Digest& manifest_digest,
                                    const LayerEncoding& encoding) {
  MB_ASSIGN_OR_RETURN(std::string bytes, blobs.ReadAll(manifest_digest, kMaxJsonBytes));
  if (!ParseManifest(bytes).ok() && ParseIndex(bytes).ok()) return manifest_digest;
  MB_ASSIGN_OR_RETURN(StoredImage encoded, ImageInEncoding(blobs, manifest_digest, encoding));
  return encoded.manifest_digest;
}

Status MarkVariants(const cache::BlobStore& blobs, std::set<Digest>& live, bool dry_run) {
  std::error_code error;
  std::vector<std::filesystem::path> stale;
  for (const auto& source : std::filesystem::directory_iterator(VariantsDir(blobs), error)) {
    StatusOr<Digest> digest = Digest::Parse("sha256:" + source.path().filename().string());
    if (!digest.ok() || !live.count(*digest)) {
      stale.push_back(source.path());
      continue;
    }
    std::error_code inner;
    for (const auto& entry : std::filesystem::directory_iterator(source.path(), inner)) {
      StatusOr<std::optional<std::string>> text = ReadFileIfPresent(entry.path(), 256);
      if (!text.ok() || !*text) continue;
      if (StatusOr<Digest> variant = Digest::Parse(**text); variant.ok()) live.insert(*variant);
    }
  }
  if (error && error != std::errc::no_such_file_or_directory) {
    return Status(StatusCode::kIo, "list " + VariantsDir(blobs).string() + ": " + error.message());
  }
  if (dry_run) return Status::Ok();
  for (const std::filesystem::path& dir : stale) {
    std::error_code removed;
    std::filesystem::remove_all(dir, removed);
    if (removed) return Status(StatusCode::kIo, "remove " + dir.string() + ": " + removed.message());
  }
  return Status::Ok();
}

}  // namespace mybuild::image

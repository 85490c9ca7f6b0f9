#include "src/image/image_store.h"

#include <sys/stat.h>

#include <cerrno>

#include "cache/file_lock.h"
#include "src/base/files.h"
#include "src/image/reference.h"

namespace mybuild::image {
namespace {

constexpr char kFile[] = "images.json";
constexpr char kLock[] = "images.lock";

}  // namespace

StatusOr<ImageStore> ImageStore::Open(const std::filesystem::path& root) {
  struct stat st {};
  if (::stat(root.c_str(), &st) != 0) return ErrnoError("stat " + root.string());
  if (!S_ISDIR(st.st_mode)) return FailedPrecondition(root.string() + " is not a directory");
  return ImageStore(root);
}

StatusOr<std::map<std::string, Digest>> ImageStore::ReadLocked() const {
  std::map<std::string, Digest> tags;
  std::filesystem::path path = root_ / kFile;
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return tags;
    return ErrnoError("lstat " + path.string());
  }
  MB_ASSIGN_OR_RETURN(std::string text, ReadFile(path, kMaxJsonBytes * 4));
  nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
  auto corrupt = [&](const std::string& why) { return DataLoss(path.string() + " is corrupt: " + why); };
  if (json.is_discarded() || !json.is_object()) return corrupt("expected a JSON object");
  auto images = json.find("images");
  if (images == json.end()) return tags;
  if (!images->is_object()) return corrupt("\"images\" is not an object");
  for (const auto& [name, value] : images->items()) {
    if (!value.is_string()) return corrupt("the digest of \"" + name + "\" is not a string");
    StatusOr<Digest> digest = Digest::Parse(value.get<std::string>());
    if (!digest.ok()) return corrupt(digest.status().message());
    tags[name] = *digest;
  }
  return tags;
}

Status ImageStore::WriteLocked(const std::map<std::string, Digest>& tags) const {
  nlohmann::json images = nlohmann::json::object();
  for (const auto& [name, digest] : tags) images[name] = digest.ToString();
  nlohmann::json json = {{"version", 1}, {"images", images}};
  return WriteFileAtomically(root_ / kFile, CanonicalJson(json) + "\n", 0644);
}

Status ImageStore::Tag(std::string_view name, const Digest& manifest) {
  MB_ASSIGN_OR_RETURN(std::string normalized, NormalizeReference(name));
  MB_ASSIGN_OR_RETURN(cache::FileLock lock,
                      cache::FileLock::Acquire(root_ / kLock, cache::FileLock::Mode::kExclusive));
  MB_ASSIGN_OR_RETURN(auto tags, ReadLocked());
  tags[normalized] = manifest;
  return WriteLocked(tags);
}

StatusOr<Digest> ImageStore::Resolve(std::string_view name) const {
  MB_ASSIGN_OR_RETURN(std::string normalized, NormalizeReference(name));
  MB_ASSIGN_OR_RETURN(cache::FileLock lock,
                      cache::FileLock::Acquire(root_ / kLock, cache::FileLock::Mode::kShared));
  MB_ASSIGN_OR_RETURN(auto tags, ReadLocked());
  auto it = tags.find(normalized);
  if (it == tags.end()) return NotFound("no local image named " + normalized);
  return it->second;
}

Status ImageStore::Untag(std::string_view name) {
  MB_ASSIGN_OR_RETURN(std::string normalized, NormalizeReference(name));
  MB_ASSIGN_OR_RETURN(cache::FileLock lock,
                      cache::FileLock::Acquire(root_ / kLock, cache::FileLock::Mode::kExclusive));
  MB_ASSIGN_OR_RETURN(auto tags, ReadLocked());
  if (tags.erase(normalized) == 0) return NotFound("no local image named " + normalized);
  return WriteLocked(tags);
}

StatusOr<std::map<std::string, Digest>> ImageStore::List() const {
  MB_ASSIGN_OR_RETURN(cache::FileLock lock,
                      cache::FileLock::Acquire(root_ / kLock, cache::FileLock::Mode::kShared));
  return ReadLocked();
}

StatusOr<StoredImage> LoadImage(const cache::BlobStore& store, const Digest& manifest_digest) {
  StoredImage image;
  image.manifest_digest = manifest_digest;
  MB_ASSIGN_OR_RETURN(std::string manifest_text, store.ReadAll(manifest_digest, kMaxJsonBytes));
  StatusOr<Manifest> manifest = ParseManifest(manifest_text);
  if (!manifest.ok()) return manifest.status().WithContext("manifest " + manifest_digest.ToString());
  image.manifest = std::move(*manifest);
  const Descriptor& config = image.manifest.config;
  MB_ASSIGN_OR_RETURN(uint64_t config_size, store.Size(config.digest));
  if (config_size != static_cast<uint64_t>(config.size)) {
    return DataLoss("config " + config.digest.ToString() + " is " + std::to_string(config_size) +
                    " bytes, the manifest says " + std::to_string(config.size));
  }
  MB_ASSIGN_OR_RETURN(std::string config_text, store.ReadAll(config.digest, kMaxJsonBytes));
  StatusOr<ImageConfig> parsed = ParseImageConfig(config_text);
  if (!parsed.ok()) return parsed.status().WithContext("config " + config.digest.ToString());
  image.config_digest = config.digest;
  image.config = std::move(*parsed);
  if (image.config.diff_ids.size() != image.manifest.layers.size()) {
    return InvalidArgument("image " + manifest_digest.ToString() + ": " +
                           std::to_string(image.manifest.layers.size()) + " layers but " +
                           std::to_string(image.config.diff_ids.size()) + " diff_ids in the config");
  }
  return image;
}

StatusOr<StoredImage> StoreImage(const cache::BlobStore& store, const ImageConfig& config,
                                const std::vector<Descriptor>& layers,
                                const std::map<std::string, std::string>& annotations) {
  if (config.diff_ids.size() != layers.size()) {
    return InvalidArgument("image has " + std::to_string(layers.size()) + " layers but " +
                           std::to_string(config.diff_ids.size()) + " diff_ids in its config");
  }
  MB_ASSIGN_OR_RETURN(cache::BlobInfo config_blob, store.Put(Serialize(config)));
  Manifest manifest;
  manifest.config.media_type = std::string(media_type::kOciConfig);
  manifest.config.digest = config_blob.digest;
  manifest.config.size = static_cast<int64_t>(config_blob.size);
  manifest.layers = layers;
  manifest.annotations = annotations;
  MB_ASSIGN_OR_RETURN(cache::BlobInfo manifest_blob, store.Put(Serialize(manifest)));
  return StoredImage{manifest_blob.digest, std::move(manifest), config_blob.digest, config};
}

}  // namespace mybuild::image

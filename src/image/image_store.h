// The local image store: tags (normalised references) -> manifest digests, plus loading an image's
// manifest and config from the blob store.
//
// On disk: ROOT/images.json, replaced atomically (write-temp, fsync, rename, fsync dir) on every change,
// under an exclusive flock on ROOT/images.lock (readers take it shared). Format, canonical JSON:
//   {"images":{"docker.io/library/busybox:latest":"sha256:<hex>", ...},"version":1}
// Names are stored normalised (see reference.h), so "busybox" and "docker.io/library/busybox:latest" are
// the same tag. A file that fails to parse is an error (kDataLoss), never silently reset.
#ifndef MYBUILD_IMAGE_IMAGE_STORE_H_
#define MYBUILD_IMAGE_IMAGE_STORE_H_

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "cache/blob_store.h"
#include "src/base/digest.h"
#include "src/base/status.h"
#include "src/image/image_config.h"
#include "src/image/manifest.h"

namespace mybuild::image {

class ImageStore {
 public:
  // ROOT must exist (it is the same root as the blob store's).
  static StatusOr<ImageStore> Open(const std::filesystem::path& root);

  // Points `name` at `manifest` (replacing a previous target).
  Status Tag(std::string_view name, const Digest& manifest);
  // The manifest digest a name points to; kNotFound when untagged.
  StatusOr<Digest> Resolve(std::string_view name) const;
  // Removes a tag; kNotFound when it was not there.
  Status Untag(std::string_view name);
  // Every tag, sorted by name.
  StatusOr<std::map<std::string, Digest>> List() const;

 private:
  explicit ImageStore(std::filesystem::path root) : root_(std::move(root)) {}
  StatusOr<std::map<std::string, Digest>> ReadLocked() const;
  Status WriteLocked(const std::map<std::string, Digest>& tags) const;
  std::filesystem::path root_;
};

// An image as stored: its manifest and config, checked against each other.
struct StoredImage {
  Digest manifest_digest;
  Manifest manifest;
  Digest config_digest;
  ImageConfig config;
};

// Reads manifest -> config from the blob store (each ≤ 4 MiB, digests verified); the config's diff_ids
// must be as many as the manifest's layers. An index is kInvalidArgument (resolve the platform first).
StatusOr<StoredImage> LoadImage(const cache::BlobStore& store, const Digest& manifest_digest);

// Stores `config` and a manifest over `layers` (in order; config.diff_ids must have one diffID per layer)
// as canonical JSON blobs and returns the image as stored (the manifest digest is its identity).
StatusOr<StoredImage> StoreImage(const cache::BlobStore& store, const ImageConfig& config,
                                const std::vector<Descriptor>& layers,
                                const std::map<std::string, std::string>& annotations = {});

}  // namespace mybuild::image

#endif  // MYBUILD_IMAGE_IMAGE_STORE_H_

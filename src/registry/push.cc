#include "src/registry/push.h"

#include "src/image/manifest.h"

namespace mybuild::registry {

StatusOr<PushedImage> PushImage(RegistryClient& client, const cache::BlobStore& blobs, const Digest& manifest_digest,
                                const std::string& tag, const ProgressLog& log, const std::string& mount_from) {
  MB_ASSIGN_OR_RETURN(std::string bytes, blobs.ReadAll(manifest_digest, image::kMaxJsonBytes));
  MB_ASSIGN_OR_RETURN(image::Manifest manifest, image::ParseManifest(bytes));
  PushedImage pushed;
  std::vector<image::Descriptor> descriptors = manifest.layers;
  descriptors.push_back(manifest.config);
  for (const image::Descriptor& blob : descriptors) {
    MB_ASSIGN_OR_RETURN(bool present, client.HasBlob(blob.digest));
    if (present) {
      ++pushed.blobs_skipped;
      log(blob.digest.ToString() + ": already exists");
      continue;
    }
    MB_ASSIGN_OR_RETURN(bool mounted, client.UploadBlob(blob, blobs, mount_from));
    if (mounted) {
      ++pushed.blobs_mounted;
      log(blob.digest.ToString() + ": mounted from " + mount_from);
      continue;
    }
    ++pushed.blobs_uploaded;
    pushed.bytes_uploaded += static_cast<uint64_t>(blob.size);
    log(blob.digest.ToString() + ": pushed (" + std::to_string(blob.size) + " bytes)");
  }
  MB_ASSIGN_OR_RETURN(pushed.manifest, client.PutManifest(tag, manifest.media_type, bytes));
  return pushed;
}

}  // namespace mybuild::registry

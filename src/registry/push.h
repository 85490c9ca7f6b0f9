// Pushing one stored image (docker push): config and layers that the registry does not have yet
// (HEAD first), then the manifest, byte for byte as stored, under a tag. The pushed manifest digest is
// therefore the local one.
#ifndef MYBUILD_REGISTRY_PUSH_H_
#define MYBUILD_REGISTRY_PUSH_H_

#include <string>

#include "cache/blob_store.h"
#include "src/registry/pull.h"
#include "src/registry/registry_client.h"

namespace mybuild::registry {

struct PushedImage {
  Digest manifest;
  size_t blobs_uploaded = 0;
  size_t blobs_skipped = 0;  // the registry had them
  size_t blobs_mounted = 0;  // linked from `mount_from` without an upload
  uint64_t bytes_uploaded = 0;
};

// `mount_from`: a repository on the same registry that may have the blobs already (an earlier name of the
// same push), to mount them from instead of uploading.
StatusOr<PushedImage> PushImage(RegistryClient& client, const cache::BlobStore& blobs, const Digest& manifest,
                                const std::string& tag, const ProgressLog& log, const std::string& mount_from = {});

}  // namespace mybuild::registry

#endif  // MYBUILD_REGISTRY_PUSH_H_

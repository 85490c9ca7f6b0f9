// Pulling one image (docker pull): the manifest (through an index to the wanted platform), the config
// and every layer into the blob store. Each blob is verified (size, digest) before it becomes visible;
// config and manifest are parsed from exactly the verified bytes; the config must have one diff_id per
// layer, and every layer must decompress to its diff_id (the snapshots of unpacked layers are named after
// diff_ids: a lying config must not reach them). The manifest blob is stored last, so a failed pull
// leaves only verified, unreferenced blobs (garbage for GC) and never a half image. Blobs already in the
// store are not downloaded again.
#ifndef MYBUILD_REGISTRY_PULL_H_
#define MYBUILD_REGISTRY_PULL_H_

#include <functional>
#include <string>

#include "cache/blob_store.h"
#include "src/image/descriptor.h"
#include "src/registry/registry_client.h"

namespace mybuild::registry {

// Receives one line of progress ("sha256:… downloaded (1234 bytes)").
using ProgressLog = std::function<void(const std::string&)>;

struct PulledImage {
  Digest manifest;         // the platform manifest, stored in the blob store
  Digest index;            // the index it was chosen from (empty when the reference named a manifest)
  size_t blobs_fetched = 0;
  size_t blobs_present = 0;
  uint64_t bytes_fetched = 0;
};

// `reference` is the tag or "sha256:…" digest on the client's repository.
StatusOr<PulledImage> PullImage(RegistryClient& client, const std::string& reference, const image::Platform& platform,
                                const cache::BlobStore& blobs, const ProgressLog& log);

}  // namespace mybuild::registry

#endif  // MYBUILD_REGISTRY_PULL_H_

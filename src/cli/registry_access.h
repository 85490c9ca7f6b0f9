// The registry client wired for the commands (pull, push, build --push, FROM of an image not in the
// store): libcurl transport, endpoint rules (loopback hosts and $MYBUILD_INSECURE_REGISTRIES or
// `registry.insecure=true` are plain http), credentials from the docker/podman auth files, the host
// platform for indexes. $MYBUILD_REGISTRY_CA_FILE names extra CA certificates (PEM) to trust for https.
#ifndef MYBUILD_CLI_REGISTRY_ACCESS_H_
#define MYBUILD_CLI_REGISTRY_ACCESS_H_

#include <functional>
#include <string>

#include "cache/blob_store.h"
#include "src/base/digest.h"
#include "src/base/status.h"
#include "src/image/image_store.h"
#include "src/registry/pull.h"
#include "src/registry/push.h"
#include "src/worker/imported_cache_index.h"

namespace mybuild::cli {

struct RegistryAccess {
  bool insecure = false;           // plain http for every host
  std::string mount_from;          // push: a name (NAME[:TAG]) pushed before whose blobs may be mounted
  registry::ProgressLog log = [](const std::string&) {};
};

// Pulls the image `reference` names (a tag or a digest; an index resolves to the host platform) into
// `blobs`. Tags nothing: the caller tags once the image is usable.
StatusOr<registry::PulledImage> PullReference(const cache::BlobStore& blobs, const std::string& reference,
                                              const RegistryAccess& access);

// Pushes the stored manifest `manifest` (and its blobs) to the registry as `name` (NAME[:TAG]).
StatusOr<registry::PushedImage> PushToReference(const cache::BlobStore& blobs, const Digest& manifest,
                                                const std::string& name, const RegistryAccess& access);

// A build cache kept in a registry (`--cache-from type=registry,ref=…`, worker/cache_layout.h): its
// manifest and records are fetched into `blobs` now (verified); its layers when a step hits, through a
// connection kept open (one transfer at a time). kInvalidArgument when `reference` is not a mybuild cache.
StatusOr<worker::ImportedCache> ImportRegistryCache(const cache::BlobStore& blobs, const std::string& reference,
                                                    const RegistryAccess& access);

// For FROM (and COPY --from) of an image not in the store: pulls `name` (normalised), tags it in
// `images` and returns its manifest digest. Progress goes to stderr. A pulled image is only a base: it
// is never a cache candidate (its layers are not build results).
StatusOr<Digest> PullForBuild(const cache::BlobStore& blobs, image::ImageStore& images, const std::string& name);

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_REGISTRY_ACCESS_H_

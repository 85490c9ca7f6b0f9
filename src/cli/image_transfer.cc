#include "src/cli/image_transfer.h"

#include "src/cli/store_commands.h"
#include "src/image/layer_variants.h"

namespace mybuild::cli {

StatusOr<PullOutcome> PullImage(LocalStore& store, const std::string& name, const RegistryAccess& access,
                                const std::string& snapshotter) {
  MB_ASSIGN_OR_RETURN(registry::PulledImage pulled, PullReference(store.blobs, name, access));
  if (Status unpacked = UnpackForBuilds(store, snapshotter, {pulled.manifest}); !unpacked.ok()) {
    return unpacked.WithContext("pull " + name + ": unpacking the image for builds");
  }
  StatusOr<Digest> previous = store.images.Resolve(name);
  MB_RETURN_IF_ERROR(store.images.Tag(name, pulled.manifest));
  return PullOutcome{pulled.manifest, previous.ok() && *previous == pulled.manifest};
}

StatusOr<PushOutcome> PushImage(LocalStore& store, const std::string& name, const RegistryAccess& access) {
  StatusOr<Digest> manifest = store.images.Resolve(name);
  if (!manifest.ok()) {
    if (manifest.status().code() == StatusCode::kNotFound) {
      return NotFound("push: no such image " + name + " in the local image store");
    }
    return manifest.status();
  }
  // The store keeps built layers uncompressed; a registry gets them gzip-compressed, as docker pushes.
  StatusOr<Digest> to_push = image::ManifestInEncoding(store.blobs, *manifest, image::LayerEncoding{});
  if (!to_push.ok()) return to_push.status().WithContext("push " + name);
  MB_ASSIGN_OR_RETURN(registry::PushedImage pushed, PushToReference(store.blobs, *to_push, name, access));
  StatusOr<uint64_t> size = store.blobs.Size(*to_push);
  return PushOutcome{pushed.manifest, size.ok() ? *size : 0};
}

}  // namespace mybuild::cli

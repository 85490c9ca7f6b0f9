// `commit CONTAINER NAME[:TAG]` (docker commit): the container's changes (its writable snapshot's diff
// against its image's chain, snapshotter::Snapshotter::Diff) as one new layer on top of its image's
// layers, stored uncompressed as a build's layers are (exports and pushes compress them).
//
// The new config is the image's (not the container's run-time -e / command: a divergence from docker,
// which merges the container's config), edited by `edit_config` (the caller applies --change there),
// with `created` now, `author` -a, and one history entry {created, created_by: the container's command,
// author, comment: -m}. A running container is not paused (docker pauses it by default): what it writes
// during the commit may or may not be in the layer.
#ifndef MYBUILD_ENGINE_CONTAINER_COMMIT_H_
#define MYBUILD_ENGINE_CONTAINER_COMMIT_H_

#include <functional>
#include <string>

#include "cache/blob_store.h"
#include "snapshotter/snapshotter.h"
#include "src/base/status.h"
#include "src/engine/container_store.h"
#include "src/image/image_config.h"
#include "src/image/image_store.h"

namespace mybuild::engine {

struct CommitOptions {
  std::string author;   // -a
  std::string message;  // -m
  std::function<Status(image::ImageConfig&)> edit_config;  // may be empty
};

// Stores the new image (config, manifest, layer blob) and returns it; tagging is the caller's.
StatusOr<image::StoredImage> CommitContainer(const cache::BlobStore& blobs, snapshotter::Snapshotter& snapshots,
                                             const ContainerRecord& record, const CommitOptions& options);

}  // namespace mybuild::engine

#endif  // MYBUILD_ENGINE_CONTAINER_COMMIT_H_

// Creating a container (docker create, the first half of docker run): from an image reference and the
// run's options to a record in state "created" (container_store.h) whose settings say what it runs,
// with its image's chain unpacked into snapshots (shared by every container of the image). The caller
// then prepares its writable snapshot over `parent_snapshot` and starts it, in the foreground
// (container_runner.h) or with a monitor (container_detach.h). On error nothing is left.
#ifndef MYBUILD_ENGINE_CONTAINER_CREATE_H_
#define MYBUILD_ENGINE_CONTAINER_CREATE_H_

#include <filesystem>
#include <string>

#include "cache/blob_store.h"
#include "snapshotter/snapshotter.h"
#include "src/base/status.h"
#include "src/engine/container_spec.h"
#include "src/engine/container_store.h"
#include "src/image/image_store.h"

namespace mybuild::engine {

// Where containers get their images: the command wires the local store and the registry.
class ImageSource {
 public:
  virtual ~ImageSource() = default;
  // The stored image `reference` names (a name or an ID), pulled and tagged first as `policy` says.
  virtual StatusOr<image::StoredImage> Get(const std::string& reference, PullPolicy policy) = 0;
};

struct CreateDeps {
  const cache::BlobStore* blobs = nullptr;
  snapshotter::Snapshotter* snapshots = nullptr;
  ImageSource* images = nullptr;
  std::filesystem::path root;         // the state root (ROOT/containers)
  std::filesystem::path scratch_dir;  // this process's private directory
  std::string snapshotter_choice = "auto";  // as --snapshotter: stored, for later starts
};

struct NewContainer {
  ContainerRecord record;
  std::string parent_snapshot;  // the image's unpacked chain
};

StatusOr<NewContainer> CreateContainer(const CreateDeps& deps, const RunOptions& options);

}  // namespace mybuild::engine

#endif  // MYBUILD_ENGINE_CONTAINER_CREATE_H_

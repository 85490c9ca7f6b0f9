// Containers' records under the state root, beside the images.
//
// On disk (ROOT/containers is 0700):
//   ROOT/containers/lock        flock serialising creations and removals (unique names)
//   ROOT/containers/ID/config.json
//       {"id":"<64 hex>","name":"…","image":"as given","image_digest":"sha256:…","args":[…],
//        "created":"RFC 3339","state":"created|running|exited","exit_code":N,"snapshot":"container-<ID>",
//        "pid":N}
//     written atomically (temp, fsync, rename). The snapshot key names the container's writable snapshot
//     (over its image's unpacked chain) in the root's snapshotter.
// A container's id is 64 random hex digits; the first 12 are its short id (and default hostname).
#ifndef MYBUILD_ENGINE_CONTAINER_STORE_H_
#define MYBUILD_ENGINE_CONTAINER_STORE_H_

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "src/base/status.h"

namespace mybuild::engine {

struct ContainerRecord {
  std::string id;
  std::string name;
  std::string image;
  std::string image_digest;
  std::vector<std::string> args;
  std::string created;
  std::string state = "created";
  int exit_code = 0;
  std::string snapshot;
  int64_t pid = 0;  // the mybuild process that holds it while it runs
};

class ContainerStore {
 public:
  // Opens ROOT/containers, creating it (0700) when missing.
  static StatusOr<ContainerStore> Open(const std::filesystem::path& root);

  // Gives `record` a new id unless it has one (and, when empty, snapshot "container-<id>") and writes it. kAlreadyExists
  // when another container has the same non-empty name.
  StatusOr<ContainerRecord> Create(ContainerRecord record);
  Status Update(const ContainerRecord& record);
  // Removes the record and its directory; a missing one is not an error.
  Status Remove(const std::string& id);
  // Every record, sorted by creation time then id; unreadable records are skipped.
  StatusOr<std::vector<ContainerRecord>> List() const;

  const std::filesystem::path& dir() const { return dir_; }

 private:
  explicit ContainerStore(std::filesystem::path dir) : dir_(std::move(dir)) {}
  std::filesystem::path dir_;
};

// 64 lowercase hex digits from the kernel's random source.
StatusOr<std::string> NewContainerId();

}  // namespace mybuild::engine

#endif  // MYBUILD_ENGINE_CONTAINER_STORE_H_

// Named volumes (docker's local driver): directories under the state root that outlive containers.
//
// On disk:
//   ROOT/volumes/            0700
//   ROOT/volumes/lock        flock serialising creations, seeding and removals
//   ROOT/volumes/NAME/_data  the volume's content, what containers mount (bound at their target)
// A volume is created on first use (or by `volume create`) and removed only by `volume rm`.
#ifndef MYBUILD_ENGINE_VOLUME_STORE_H_
#define MYBUILD_ENGINE_VOLUME_STORE_H_

#include <filesystem>
#include <string>
#include <vector>

#include "cache/file_lock.h"
#include "src/base/status.h"

namespace mybuild::engine {

class VolumeStore {
 public:
  // Opens ROOT/volumes, creating it (0700) when missing.
  static StatusOr<VolumeStore> Open(const std::filesystem::path& root);

  // Held while creating, seeding or removing volumes.
  StatusOr<cache::FileLock> Lock() const;
  // The volume's _data directory; created (0755) when missing, then `created` is true. Hold Lock().
  StatusOr<std::filesystem::path> Ensure(const std::string& name, bool& created);
  bool Exists(const std::string& name) const;
  // Every volume's name, sorted.
  StatusOr<std::vector<std::string>> List() const;
  // Removes the volume and its content (kNotFound when there is none). Hold Lock().
  Status Remove(const std::string& name);

 private:
  explicit VolumeStore(std::filesystem::path dir) : dir_(std::move(dir)) {}
  std::filesystem::path dir_;
};

}  // namespace mybuild::engine

#endif  // MYBUILD_ENGINE_VOLUME_STORE_H_

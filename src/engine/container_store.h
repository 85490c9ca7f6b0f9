// Containers' records under the state root, beside the images.
//
// On disk (ROOT/containers and every ROOT/containers/ID are 0700):
//   ROOT/containers/lock          flock serialising creations and removals (unique names)
//   ROOT/containers/ID/config.json  what the container is, written once at creation:
//       {"id":"<64 hex>","name":"…","image":"as given","image_digest":"sha256:…","args":[…],
//        "created":"RFC 3339","snapshot":"container-<ID>","labels":{…},"settings":{…container_settings.h…}}
//   ROOT/containers/ID/state.json   how it is now, rewritten at every change:
//       {"state":"created|running|exited","exit_code":N,"pid":N,"monitor_pid":N,
//        "started_at":"RFC 3339","finished_at":"RFC 3339","error":"…"}
//   ROOT/containers/ID/lock       flock serialising the commands acting on this container (start, stop,
//                                 kill, rm, exec, the monitor's own state changes): hold it to read the
//                                 state and act on it (send a signal to `pid`) without a race
//   ROOT/containers/ID/monitor.lock  held (exclusive) by the process that runs the container, for as
//                                 long as it runs: free while "running" means that process died
//   ROOT/containers/ID/container.log  its output, json-lines (container_log.h)
// Both JSON files are written atomically (temp, rename). The snapshot key names the container's writable
// snapshot (over its image's unpacked chain) in the root's snapshotter. `pid` is the container's PID 1
// while it runs; it is still the monitor's child (a zombie at worst) whenever the state says "running"
// under the lock, so a signal sent to it under the lock never reaches a recycled PID.
// A container's id is 64 random hex digits; the first 12 are its short id (and default hostname).
#ifndef MYBUILD_ENGINE_CONTAINER_STORE_H_
#define MYBUILD_ENGINE_CONTAINER_STORE_H_

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cache/file_lock.h"
#include "src/base/status.h"
#include "src/engine/container_settings.h"
#include "src/engine/container_state_file.h"

namespace mybuild::engine {

struct ContainerRecord {
  std::string id;
  std::string name;
  std::string image;
  std::string image_digest;
  std::vector<std::string> args;
  std::string created;
  std::string snapshot;
  std::map<std::string, std::string> labels;
  ContainerSettings settings;
  ContainerState state;
};

class ContainerStore {
 public:
  // Opens ROOT/containers, creating it (0700) when missing.
  static StatusOr<ContainerStore> Open(const std::filesystem::path& root);

  // Gives `record` a new id unless it has one (and, when empty, snapshot "container-<id>") and writes
  // its config and state. kAlreadyExists when another container has the same non-empty name.
  StatusOr<ContainerRecord> Create(ContainerRecord record);
  Status WriteState(const std::string& id, const ContainerState& state);
  StatusOr<ContainerRecord> Load(const std::string& id) const;
  // Removes the record and its directory (state, log, locks); a missing one is not an error.
  Status Remove(const std::string& id);
  // Every record, sorted by creation time then id; unreadable records are skipped.
  StatusOr<std::vector<ContainerRecord>> List() const;

  // The container's own lock (see above), blocking until held.
  StatusOr<cache::FileLock> Lock(const std::string& id) const;
  // Whether a live process holds the container's monitor.lock.
  bool MonitorAlive(const std::string& id) const;

  std::filesystem::path ContainerDir(const std::string& id) const { return dir_ / id; }
  std::filesystem::path LogPath(const std::string& id) const { return dir_ / id / "container.log"; }
  std::filesystem::path MonitorLockPath(const std::string& id) const { return dir_ / id / "monitor.lock"; }
  const std::filesystem::path& dir() const { return dir_; }

 private:
  explicit ContainerStore(std::filesystem::path dir) : dir_(std::move(dir)) {}
  std::filesystem::path dir_;
};

// 64 lowercase hex digits from the kernel's random source.
StatusOr<std::string> NewContainerId();
bool IsContainerId(std::string_view id);

}  // namespace mybuild::engine

#endif  // MYBUILD_ENGINE_CONTAINER_STORE_H_

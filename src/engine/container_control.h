// The lifecycle commands on existing containers (docker ps, start, stop, kill, restart, wait, rm), as
// library calls for the command line and compose. Every action on a container's process happens under
// the container's lock (container_store.h), so that two mybuild processes serialise and a signal never
// reaches a recycled PID.
//
// A record that says "running" while nothing holds its monitor.lock belongs to a container whose
// monitor died (killed with SIGKILL: the container died with it): every call here first records it as
// "exited" with 137 (128 + SIGKILL), so `ps` shows it exited and `rm` cleans it.
#ifndef MYBUILD_ENGINE_CONTAINER_CONTROL_H_
#define MYBUILD_ENGINE_CONTAINER_CONTROL_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "snapshotter/snapshotter.h"
#include "src/base/status.h"
#include "src/engine/container_store.h"
#include "src/engine/monitor_launch.h"

namespace mybuild::engine {

// The root's snapshotter for a container's stored choice (ContainerSettings::snapshotter).
using SnapshotterFor = std::function<StatusOr<std::unique_ptr<snapshotter::Snapshotter>>(const std::string& choice)>;

class ContainerControl {
 public:
  ContainerControl(ContainerStore& store, MonitorLauncher& launcher, SnapshotterFor snapshotter_for)
      : store_(store), launcher_(launcher), snapshotter_for_(std::move(snapshotter_for)) {}

  // Every container (sorted by creation), states reconciled.
  StatusOr<std::vector<ContainerRecord>> List();
  // By name, id or unique id prefix (container_lookup.h), state reconciled.
  StatusOr<ContainerRecord> Find(std::string_view reference);

  // Starts a created or exited container with a new monitor; a running one is left as it is.
  Status Start(const std::string& id);
  // Sends `signal` to its PID 1; kFailedPrecondition "container … is not running" when it is not.
  Status Kill(const std::string& id, int signal);
  // Its stop signal, then SIGKILL after `timeout_seconds` (its --stop-timeout when nullopt; -1 waits
  // forever); returns once it has exited. A container that is not running is not an error.
  Status Stop(const std::string& id, std::optional<int> timeout_seconds);
  Status Restart(const std::string& id, std::optional<int> timeout_seconds);
  // Blocks until it is not running; its exit code.
  StatusOr<int> Wait(const std::string& id);
  // Removes its snapshot, state and log, with `volumes` (rm -v) its anonymous volumes too. A running
  // one: kFailedPrecondition, unless `force` (then it is killed first).
  Status Remove(const std::string& id, bool force, bool volumes = false);
  // Removes every container that is not running (docker container prune); the ids of those removed.
  // Stops at the first failure (those removed before it are in `removed`).
  Status PruneStopped(std::vector<std::string>& removed);

 private:
  StatusOr<ContainerRecord> Reconciled(const std::string& id);
  // Signals the running container `record` (loaded under `lock`); false when it turned out not to run.
  StatusOr<bool> SignalLocked(const ContainerRecord& record, int signal);
  // Waits until nothing holds the container's monitor.lock, at most until `deadline_ms` from now (-1: no limit).
  bool WaitForMonitor(const std::string& id, int64_t deadline_ms);
  // Its restart policy no longer applies (restart_policy.h): a command stopped it.
  Status MarkStoppedByUser(const std::string& id);

  ContainerStore& store_;
  MonitorLauncher& launcher_;
  SnapshotterFor snapshotter_for_;
};

}  // namespace mybuild::engine

#endif  // MYBUILD_ENGINE_CONTAINER_CONTROL_H_

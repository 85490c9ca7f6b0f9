// The monitor of a detached container (the process `mybuild container-monitor` runs; see
// monitor_launch.h for how it is started): it holds the container for as long as it runs.
//
//   take ROOT/containers/ID/monitor.lock (held until the end: free while "running" = monitor died)
//   → under the container's lock: mount its snapshot in this process's private scratch directory,
//     start the sandbox (its PID 1 dies with this process: PR_SET_PDEATHSIG), wait until its command
//     has been executed; state "running" with its PID, or "exited" with 125/126/127 and the error
//   → become the small program mybuild-monitor (execve, see
//     monitor_relay.h: about 1.4 MB instead of a whole mybuild's 16), which tells the launcher (ready
//     fd: so `run -d` returns once the monitor is small), copies the container's output
//     into its log until it exits, then under the container's lock reaps it and records the state
//     "exited" with its status and time; the mounts go with the monitor's private mount namespace; with
//     --rm it runs `mybuild container-cleanup` to remove the snapshot and record. Without that program
//     (MonitorDeps::small_monitor empty) this process does the same itself.
// Signals to the container (stop, kill) are sent by the commands themselves, under the container's
// lock (container_control.h); the monitor only reaps.
#ifndef MYBUILD_ENGINE_CONTAINER_MONITOR_H_
#define MYBUILD_ENGINE_CONTAINER_MONITOR_H_

#include <filesystem>
#include <string>

#include "snapshotter/snapshotter.h"
#include "src/base/status.h"
#include "src/engine/container_sandbox_spec.h"
#include "src/engine/container_store.h"

namespace mybuild::engine {

struct MonitorDeps {
  ContainerStore* store = nullptr;
  snapshotter::Snapshotter* snapshots = nullptr;
  std::filesystem::path scratch_dir;  // this process's private directory (mountpoint, sandbox state)
  HostFiles host;
  std::filesystem::path small_monitor;  // mybuild-monitor, or empty
  std::filesystem::path mybuild;        // this program, for container-cleanup
};

// Runs container `id` to its end. `ready_fd` (closed by it) gets the launcher's message. An error after
// the message is recorded in the container's state too.
Status RunMonitor(const MonitorDeps& deps, const std::string& id, int ready_fd);

// `container-cleanup`: the end of a --rm container whose monitor has recorded its exit: its mount in this
// (the monitor's) mount namespace detached, its snapshot and record removed.
Status CleanUpRemovedContainer(ContainerStore& store, snapshotter::Snapshotter& snapshots, const std::string& id,
                               const std::filesystem::path& mountpoint);

}  // namespace mybuild::engine
#endif  // MYBUILD_ENGINE_CONTAINER_MONITOR_H_

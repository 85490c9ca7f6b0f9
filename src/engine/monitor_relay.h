// The second half of a detached container's monitor (container_monitor.h): once the container runs,
// everything the monitor still does needs only descriptors and a few values (a RelayHandoff), so that
// it can be done by the small program mybuild-monitor (src/monitor), which mybuild's monitor becomes
// with execve(2) to give back its memory. execve keeps the container as its child (and the container's
// PR_SET_PDEATHSIG tied to it), the pidfd, the output pipes and the held monitor.lock.
//
// RelayToEnd: copies the container's output into its log until PID 1 has exited and the output is at
// its end (at most a grace period longer); then, under the container's lock, reaps PID 1 and writes
// the state "exited" with its status and time.
//
// The handoff as arguments of mybuild-monitor (every value one word, in this order):
//   mybuild-monitor container-monitor ID --pidfd N --out N --err N --lock-fd N --ready-fd N --dir ROOT/containers/ID
//     --pid N --started-at TIME --root ROOT --mountpoint PATH --remove 0|1 --mybuild PATH
// ("container-monitor ID" keeps the process recognisable as the container's monitor; -1 = no descriptor.)
#ifndef MYBUILD_ENGINE_MONITOR_RELAY_H_
#define MYBUILD_ENGINE_MONITOR_RELAY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "src/base/status.h"

namespace mybuild::engine {

struct RelayHandoff {
  std::string id;
  int pidfd = -1;     // the container's PID 1, this process's child
  int out_fd = -1;    // its stdout (or terminal) read end
  int err_fd = -1;    // its stderr read end
  int lock_fd = -1;   // the held monitor.lock
  int ready_fd = -1;  // the launcher's pipe (monitor_launch.h): "ok" is reported by the small monitor,
                      // so that the launcher returns once the monitor is small (-1: reported already)
  std::string dir;    // ROOT/containers/ID
  int64_t pid = 0;
  std::string started_at;
  // For the end of a --rm container: `mybuild --root ROOT container-cleanup --mountpoint PATH ID`.
  std::string root;
  std::string mountpoint;
  bool remove = false;
  std::string mybuild;  // the mybuild program
};

std::vector<std::string> HandoffArgs(const RelayHandoff& handoff);
StatusOr<RelayHandoff> ParseHandoffArgs(const std::vector<std::string>& args);

// Returns the container's exit code (128+N for signal N) once its state says so.
StatusOr<int> RelayToEnd(const RelayHandoff& handoff);

}  // namespace mybuild::engine

#endif  // MYBUILD_ENGINE_MONITOR_RELAY_H_

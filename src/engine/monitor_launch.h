// Starting a container's monitor (podman's conmon, here mybuild itself): the process that holds a
// detached container for as long as it runs (container_monitor.h).
//
// ExecMonitorLauncher re-executes this program (/proc/self/exe) as
//     mybuild --root ROOT container-monitor --ready-fd 3 ID
// detached from the caller: forked twice (the monitor is never the caller's child, so a long-lived
// caller such as compose leaves no zombie), in a session of its own (no terminal's signals reach it),
// stdio on /dev/null. The monitor writes one message on fd 3 (a pipe) once the container's command has
// been executed, or failed to start:
//     "ok\n"                         the container runs
//     "E<code>\n<message>"           it could not start (<code> a StatusCode number)
// and closes it; EOF without a message means the monitor died first. Launch() waits for that message.
#ifndef MYBUILD_ENGINE_MONITOR_LAUNCH_H_
#define MYBUILD_ENGINE_MONITOR_LAUNCH_H_

#include <filesystem>
#include <string>
#include <vector>

#include "src/base/status.h"

namespace mybuild::engine {

class MonitorLauncher {
 public:
  virtual ~MonitorLauncher() = default;
  // Starts the monitor of the created or exited container `id`; returns once its command runs, or with
  // the reason it could not start (kNotFound: the command is not in the container, docker's 127;
  // kPermissionDenied: not executable, 126).
  virtual Status Launch(const std::string& id) = 0;
};

class ExecMonitorLauncher : public MonitorLauncher {
 public:
  explicit ExecMonitorLauncher(std::filesystem::path root) : root_(std::move(root)) {}
  Status Launch(const std::string& id) override;

 private:
  std::filesystem::path root_;
};

// Starts `program` (argv `args`, fd 3 the ready pipe) detached as the monitor is, and returns the message
// it reports: what ExecMonitorLauncher does, for other long-lived helpers (network_holder.h).
Status LaunchDetached(const std::filesystem::path& program, std::vector<std::string> args);

// The monitor's side: the message for `status` on `fd`, then closes it.
void ReportMonitorReady(int fd, const Status& status);

}  // namespace mybuild::engine

#endif  // MYBUILD_ENGINE_MONITOR_LAUNCH_H_

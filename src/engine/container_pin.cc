#include "src/engine/container_pin.h"

#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

namespace mybuild::engine {

StatusOr<UniqueFd> PinRunningContainer(ContainerStore& store, const std::string& id, ContainerRecord& record) {
  MB_ASSIGN_OR_RETURN(cache::FileLock lock, store.Lock(id));
  MB_ASSIGN_OR_RETURN(record, store.Load(id));
  auto not_running = [&] { return FailedPrecondition("container " + id.substr(0, 12) + " is not running"); };
  if (record.state.state != "running" || record.state.pid <= 0 || !store.MonitorAlive(id)) return not_running();
  UniqueFd pidfd(static_cast<int>(syscall(SYS_pidfd_open, static_cast<pid_t>(record.state.pid), 0)));
  if (!pidfd.valid() && errno == ESRCH) return not_running();
  if (!pidfd.valid()) return ErrnoError("pidfd_open(" + std::to_string(record.state.pid) + ")");
  if (!store.MonitorAlive(id)) return not_running();
  return pidfd;
}

bool PidfdAlive(int pidfd) { return syscall(SYS_pidfd_send_signal, pidfd, 0, nullptr, 0) == 0; }

}  // namespace mybuild::engine

#include "src/engine/container_control.h"

#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <thread>

#include "src/base/unique_fd.h"
#include "src/engine/container_lookup.h"
#include "src/engine/container_state_file.h"
#include "src/engine/container_time.h"
#include "src/engine/container_volumes.h"
#include "src/engine/restart_policy.h"

namespace mybuild::engine {
namespace {

constexpr auto kPollInterval = std::chrono::milliseconds(50);

std::string Short(const std::string& id) { return id.substr(0, 12); }

// The state of a container whose monitor died: it died with it (PR_SET_PDEATHSIG SIGKILL).
void MarkMonitorDied(ContainerState& state) {
  state.state = "exited";
  state.exit_code = 128 + SIGKILL;
  state.pid = 0;
  state.monitor_pid = 0;
  state.finished_at = FormatTimeNanos(NowNanos());
  state.error = "its monitor process died";
}

}  // namespace

StatusOr<ContainerRecord> ContainerControl::Reconciled(const std::string& id) {
  MB_ASSIGN_OR_RETURN(ContainerRecord record, store_.Load(id));
  if (record.state.state != "running" || store_.MonitorAlive(id)) return record;
  MB_ASSIGN_OR_RETURN(cache::FileLock lock, store_.Lock(id));
  MB_ASSIGN_OR_RETURN(record, store_.Load(id));
  if (record.state.state == "running" && !store_.MonitorAlive(id)) {
    MarkMonitorDied(record.state);
    MB_RETURN_IF_ERROR(store_.WriteState(id, record.state));
  }
  return record;
}

StatusOr<std::vector<ContainerRecord>> ContainerControl::List() {
  MB_ASSIGN_OR_RETURN(std::vector<ContainerRecord> records, store_.List());
  for (ContainerRecord& record : records) {
    StatusOr<ContainerRecord> reconciled = Reconciled(record.id);
    if (reconciled.ok()) record = std::move(*reconciled);  // else removed meanwhile: as listed
  }
  return records;
}

StatusOr<ContainerRecord> ContainerControl::Find(std::string_view reference) {
  MB_ASSIGN_OR_RETURN(std::vector<ContainerRecord> records, store_.List());
  MB_ASSIGN_OR_RETURN(ContainerRecord record, FindContainer(records, reference));
  return Reconciled(record.id);
}

StatusOr<bool> ContainerControl::SignalLocked(const ContainerRecord& record, int signal) {
  if (record.state.state != "running" || record.state.pid <= 0) return false;
  UniqueFd pidfd(static_cast<int>(syscall(SYS_pidfd_open, static_cast<pid_t>(record.state.pid), 0)));
  if (!pidfd.valid() && errno != ESRCH) return ErrnoError("pidfd_open(" + std::to_string(record.state.pid) + ")");
  // The monitor alive now means it was alive when the pidfd was opened: the PID was then its unreaped
  // child (it reaps only under the lock held here), the container's PID 1.
  if (!pidfd.valid() || !store_.MonitorAlive(record.id)) return false;
  if (syscall(SYS_pidfd_send_signal, pidfd.get(), signal, nullptr, 0) < 0 && errno != ESRCH) {
    return ErrnoError("pidfd_send_signal(" + std::to_string(signal) + ") to container " + Short(record.id));
  }
  return true;
}

Status ContainerControl::MarkStoppedByUser(const std::string& id) {
  return WriteRecordFile(store_.ContainerDir(id) / kStoppedByUserFile, "");
}

bool ContainerControl::WaitForMonitor(const std::string& id, int64_t deadline_ms) {
  if (deadline_ms < 0) {
    // Blocks until the monitor has released it: it has recorded the exit by then.
    StatusOr<cache::FileLock> free = cache::FileLock::Acquire(store_.MonitorLockPath(id), cache::FileLock::Mode::kShared);
    if (free.ok()) return true;
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(std::max<int64_t>(deadline_ms, 0));
  for (;;) {
    if (!store_.MonitorAlive(id)) return true;
    if (deadline_ms >= 0 && std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(kPollInterval);
  }
}

Status ContainerControl::Start(const std::string& id) {
  MB_ASSIGN_OR_RETURN(ContainerRecord record, Reconciled(id));
  if (record.state.state == "running") return Status::Ok();
  std::filesystem::remove(store_.ContainerDir(id) / kStoppedByUserFile);  // its restart policy applies again
  return launcher_.Launch(id);
}

Status ContainerControl::Kill(const std::string& id, int signal) {
  MB_ASSIGN_OR_RETURN(cache::FileLock lock, store_.Lock(id));
  MB_ASSIGN_OR_RETURN(ContainerRecord record, store_.Load(id));
  MB_RETURN_IF_ERROR(MarkStoppedByUser(id));
  MB_ASSIGN_OR_RETURN(bool sent, SignalLocked(record, signal));
  if (!sent) return FailedPrecondition("container " + Short(id) + " is not running");
  return Status::Ok();
}

Status ContainerControl::Stop(const std::string& id, std::optional<int> timeout_seconds) {
  int timeout = 0;
  {
    MB_ASSIGN_OR_RETURN(cache::FileLock lock, store_.Lock(id));
    MB_ASSIGN_OR_RETURN(ContainerRecord record, store_.Load(id));
    timeout = timeout_seconds.value_or(record.settings.stop_timeout_seconds);
    MB_RETURN_IF_ERROR(MarkStoppedByUser(id));
    MB_ASSIGN_OR_RETURN(bool sent, SignalLocked(record, record.settings.stop_signal));
    if (!sent) return Reconciled(id).status();
  }
  if (WaitForMonitor(id, timeout < 0 ? -1 : int64_t{timeout} * 1000)) return Status::Ok();
  {
    MB_ASSIGN_OR_RETURN(cache::FileLock lock, store_.Lock(id));
    StatusOr<ContainerRecord> record = store_.Load(id);
    if (record.ok()) MB_RETURN_IF_ERROR(SignalLocked(*record, SIGKILL).status());
  }
  WaitForMonitor(id, -1);
  return Status::Ok();
}

Status ContainerControl::Restart(const std::string& id, std::optional<int> timeout_seconds) {
  MB_RETURN_IF_ERROR(Stop(id, timeout_seconds));
  return Start(id);
}

StatusOr<int> ContainerControl::Wait(const std::string& id) {
  WaitForMonitor(id, -1);
  MB_ASSIGN_OR_RETURN(ContainerRecord record, Reconciled(id));
  return record.state.exit_code;
}

Status ContainerControl::Remove(const std::string& id, bool force, bool volumes) {
  MB_ASSIGN_OR_RETURN(ContainerRecord record, Reconciled(id));
  if (record.state.state == "running") {
    if (!force) {
      return FailedPrecondition("cannot remove container " + Short(id) +
                                ": it is running (stop it first, or use rm -f)");
    }
    Status killed = Kill(id, SIGKILL);
    if (!killed.ok() && killed.code() != StatusCode::kFailedPrecondition) return killed;
    WaitForMonitor(id, -1);
  }
  MB_ASSIGN_OR_RETURN(cache::FileLock lock, store_.Lock(id));
  StatusOr<ContainerRecord> current = store_.Load(id);
  if (!current.ok() && current.status().code() == StatusCode::kNotFound) return Status::Ok();  // --rm did it
  MB_RETURN_IF_ERROR(current.status());
  if (current->state.state == "running" && store_.MonitorAlive(id)) {
    return FailedPrecondition("container " + Short(id) + " was started again while it was being removed");
  }
  MB_ASSIGN_OR_RETURN(std::unique_ptr<snapshotter::Snapshotter> snapshots, snapshotter_for_(record.settings.snapshotter));
  Status removed = snapshots->Remove(record.snapshot);
  if (!removed.ok() && removed.code() != StatusCode::kNotFound) return removed;
  if (volumes) MB_RETURN_IF_ERROR(RemoveAnonymousVolumes(store_.dir().parent_path(), current->settings));
  return store_.Remove(id);
}

Status ContainerControl::PruneStopped(std::vector<std::string>& removed) {
  MB_ASSIGN_OR_RETURN(std::vector<ContainerRecord> records, List());
  for (const ContainerRecord& record : records) {
    if (record.state.state == "running") continue;
    Status gone = Remove(record.id, false);
    if (gone.code() == StatusCode::kFailedPrecondition) continue;  // started meanwhile: it stays
    MB_RETURN_IF_ERROR(gone);
    removed.push_back(record.id);
  }
  return Status::Ok();
}

}  // namespace mybuild::engine

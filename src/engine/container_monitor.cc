#include "src/engine/container_monitor.h"

#include <malloc.h>
#include <signal.h>
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <optional>

#include "src/engine/container_filesystem.h"
#include "src/engine/container_log.h"
#include "src/engine/container_time.h"
#include "src/engine/monitor_launch.h"
#include "src/engine/output_capture.h"
#include "src/executor/attached_sandbox.h"

namespace mybuild::engine {
namespace {

using Clock = std::chrono::steady_clock;

// After PID 1 has exited, how long its output may stay open (a descriptor passed out of the container)
// before the monitor stops waiting for its end.
constexpr std::chrono::seconds kOutputGrace{2};

class Monitor {
 public:
  Monitor(const MonitorDeps& deps, std::string id) : deps_(deps), store_(*deps.store), id_(std::move(id)) {}

  // Up to the command's exec: OK when it runs (the state says so), else why not (the state says that too).
  Status Start() {
    MB_ASSIGN_OR_RETURN(std::optional<cache::FileLock> running,
                        cache::FileLock::TryAcquire(store_.MonitorLockPath(id_), cache::FileLock::Mode::kExclusive));
    if (!running) return FailedPrecondition("container " + id_.substr(0, 12) + " is already running");
    running_ = std::move(*running);
    MB_ASSIGN_OR_RETURN(cache::FileLock lock, store_.Lock(id_));
    MB_ASSIGN_OR_RETURN(record_, store_.Load(id_));
    Status started = StartSandbox();
    if (!started.ok()) {
      Finish(ExitCodeOfStartError(started), started.message());
      return started;
    }
    record_.state = ContainerState();
    record_.state.state = "running";
    record_.state.pid = sandbox_->pid();
    record_.state.monitor_pid = getpid();
    record_.state.started_at = FormatTimeNanos(NowNanos());
    return store_.WriteState(id_, record_.state);
  }

  // Copies the output into the log until the container has exited; then records how it ended.
  Status RunToEnd() {
    Status relayed = Relay();
    if (!relayed.ok()) sandbox_->Signal(SIGKILL).IgnoreError();  // the state must not outlive the truth
    MB_ASSIGN_OR_RETURN(cache::FileLock lock, store_.Lock(id_));
    StatusOr<executor::ExecResult> ended = sandbox_->Wait();
    if (!ended.ok()) {
      Finish(ExitCodeOfStartError(ended.status()), ended.status().message());
      return ended.status();
    }
    Finish(ended->exit_code, relayed.ok() ? "" : relayed.message());
    return relayed;
  }

 private:
  Status StartSandbox() {
    const std::string short_id = id_.substr(0, 12);
    MB_ASSIGN_OR_RETURN(fs_, ContainerFilesystem::MountExisting(*deps_.snapshots, record_.snapshot,
                                                                deps_.scratch_dir / ("ctr-" + short_id)));
    MB_ASSIGN_OR_RETURN(executor::ExecSpec spec, MakeExecSpec(record_.settings, fs_->path(), deps_.host));
    MB_ASSIGN_OR_RETURN(LogWriter log, LogWriter::Open(store_.LogPath(id_)));
    MB_ASSIGN_OR_RETURN(output_, OutputCapture::Create(record_.settings.tty, std::move(log)));
    executor::AttachedOptions attached;
    attached.read_only_rootfs = record_.settings.read_only;
    MB_ASSIGN_OR_RETURN(sandbox_, executor::AttachedSandbox::Start(spec, output_->container_side(), attached,
                                                                   deps_.scratch_dir));
    output_->CloseContainerSide();
    // The sync pipe closes when the command is executed (or its setup has failed).
    std::vector<pollfd> fds;
    while (sandbox_->sync_open()) {
      fds.assign(1, pollfd{sandbox_->sync_fd(), POLLIN, 0});
      output_->AddPollFds(fds);
      if (poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR) return ErrnoError("poll(container start)");
      if (fds[0].revents != 0) MB_RETURN_IF_ERROR(sandbox_->ReadMessages());
      MB_RETURN_IF_ERROR(output_->Handle(fds));
    }
    if (sandbox_->setup_failed()) {
      StatusOr<executor::ExecResult> ended = sandbox_->Wait();
      return ended.ok() ? Internal("the container's setup failed") : ended.status();
    }
    return Status::Ok();
  }

  Status Relay() {
    std::vector<pollfd> fds;
    std::optional<Clock::time_point> grace_end;
    for (;;) {
      if (grace_end && (output_->done() || Clock::now() >= *grace_end)) return Status::Ok();
      fds.clear();
      if (!grace_end) fds.push_back({sandbox_->exit_fd(), POLLIN, 0});
      output_->AddPollFds(fds);
      int timeout = -1;
      if (grace_end) {
        timeout = static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(*grace_end - Clock::now()).count());
        if (timeout < 0) timeout = 0;
      }
      if (poll(fds.data(), fds.size(), timeout) < 0) {
        if (errno == EINTR) continue;
        return ErrnoError("poll(container)");
      }
      if (!grace_end && fds[0].revents != 0) grace_end = Clock::now() + kOutputGrace;
      MB_RETURN_IF_ERROR(output_->Handle(fds));
    }
  }

  // The state "exited" (the container lock is held); unmounts; with --rm removes everything.
  void Finish(int exit_code, const std::string& error) {
    const bool remove = record_.settings.remove;
    record_.state.state = "exited";
    record_.state.exit_code = exit_code;
    record_.state.pid = 0;
    record_.state.monitor_pid = 0;
    record_.state.finished_at = FormatTimeNanos(NowNanos());
    record_.state.error = error;
    store_.WriteState(id_, record_.state).IgnoreError();
    sandbox_.reset();
    output_.reset();
    if (remove && fs_) fs_->Discard();
    if (remove && !fs_) deps_.snapshots->Remove(record_.snapshot).IgnoreError();
    fs_.reset();  // unmounts (and with --rm removes the snapshot)
    if (remove) store_.Remove(id_).IgnoreError();
  }

  const MonitorDeps& deps_;
  ContainerStore& store_;
  std::string id_;
  cache::FileLock running_;
  ContainerRecord record_;
  std::unique_ptr<ContainerFilesystem> fs_;
  std::unique_ptr<OutputCapture> output_;
  std::unique_ptr<executor::AttachedSandbox> sandbox_;
};

}  // namespace

Status RunMonitor(const MonitorDeps& deps, const std::string& id, int ready_fd) {
  Monitor monitor(deps, id);
  Status started = monitor.Start();
  ReportMonitorReady(ready_fd, started);
  if (!started.ok()) return started;
  malloc_trim(0);  // what starting took (the record, the snapshotter's metadata) goes back to the system
  return monitor.RunToEnd();
}

}  // namespace mybuild::engine

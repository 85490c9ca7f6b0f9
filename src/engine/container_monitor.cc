#include "src/engine/container_monitor.h"

#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <optional>

#include "src/engine/container_filesystem.h"
#include "src/engine/container_log.h"
#include "src/engine/container_time.h"
#include "src/engine/container_volumes.h"
#include "src/engine/monitor_launch.h"
#include "src/engine/monitor_relay.h"
#include "src/engine/network_holder.h"
#include "src/engine/output_capture.h"
#include "src/executor/attached_sandbox.h"

extern char** environ;

namespace mybuild::engine {
namespace {

// Lets `fd` survive execve.
Status KeepAcrossExec(int fd) {
  if (fd >= 0 && fcntl(fd, F_SETFD, 0) < 0) return ErrnoError("fcntl(F_SETFD)");
  return Status::Ok();
}

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

  // The rest of the container's life: in mybuild-monitor when there is one (does not return then),
  // which reports to `ready_fd`; else here, after reporting.
  Status RunToEnd(int ready_fd) {
    StatusOr<OutputCapture::ReadEnds> released = output_->Release();
    if (!released.ok()) {
      ReportMonitorReady(ready_fd, released.status());
      return released.status();  // the container dies with this process
    }
    OutputCapture::ReadEnds ends = std::move(*released);
    RelayHandoff handoff;
    handoff.id = id_;
    handoff.pidfd = sandbox_->exit_fd();
    handoff.out_fd = ends.out.Release();
    handoff.err_fd = ends.err.Release();
    handoff.lock_fd = running_.fd();
    handoff.ready_fd = ready_fd;
    handoff.dir = store_.ContainerDir(id_).string();
    handoff.pid = record_.state.pid;
    handoff.started_at = record_.state.started_at;
    handoff.root = store_.dir().parent_path().string();
    handoff.mountpoint = fs_->path().string();
    handoff.remove = record_.settings.remove;
    handoff.mybuild = deps_.mybuild.string();
    if (!deps_.small_monitor.empty()) {
      Status execed = ExecSmallMonitor(handoff);  // returns only when execve failed: carry on here
      (void)execed;
    }
    ReportMonitorReady(ready_fd, Status::Ok());
    handoff.ready_fd = -1;
    malloc_trim(0);  // what starting took goes back to the system
    StatusOr<int> ended = RelayToEnd(handoff);
    if (!ended.ok()) {
      sandbox_->Signal(SIGKILL).IgnoreError();
      return ended.status();
    }
    // Reaped already; the sandbox's destructor removes the mount targets it made.
    sandbox_.reset();
    if (record_.settings.remove) {
      fs_->Discard();
      fs_.reset();
      store_.Remove(id_).IgnoreError();
    }
    return Status::Ok();
  }

 private:
  Status ExecSmallMonitor(const RelayHandoff& handoff) {
    for (int fd : {handoff.pidfd, handoff.out_fd, handoff.err_fd, handoff.lock_fd, handoff.ready_fd}) {
      MB_RETURN_IF_ERROR(KeepAcrossExec(fd));
    }
    std::vector<std::string> args = HandoffArgs(handoff);
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    execve(deps_.small_monitor.c_str(), argv.data(), environ);
    return ErrnoError("execve " + deps_.small_monitor.string());
  }

  Status StartSandbox() {
    const std::string short_id = id_.substr(0, 12);
    MB_ASSIGN_OR_RETURN(fs_, ContainerFilesystem::MountExisting(*deps_.snapshots, record_.snapshot,
                                                                deps_.scratch_dir / ("ctr-" + short_id)));
    MB_ASSIGN_OR_RETURN(VolumeStore volumes, VolumeStore::Open(store_.dir().parent_path()));
    MB_ASSIGN_OR_RETURN(ContainerSettings settings, AttachVolumes(record_.settings, fs_->path(), volumes));
    MB_ASSIGN_OR_RETURN(executor::ExecSpec spec, MakeExecSpec(settings, fs_->path(), deps_.host));
    MB_ASSIGN_OR_RETURN(LogWriter log, LogWriter::Open(store_.LogPath(id_)));
    MB_ASSIGN_OR_RETURN(output_, OutputCapture::Create(record_.settings.tty, std::move(log)));
    executor::AttachedOptions attached;
    attached.read_only_rootfs = record_.settings.read_only;
    // This (the monitor's main) thread: the sandbox it clones starts in the network's namespace.
    if (settings.network == NetworkMode::kJoined) MB_RETURN_IF_ERROR(JoinNetwork(settings.network_dir));
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

  // A start that failed: the state "exited" (the container lock is held); unmounts; with --rm removes
  // everything.
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
  if (!started.ok()) {
    ReportMonitorReady(ready_fd, started);
    return started;
  }
  return monitor.RunToEnd(ready_fd);
}

Status CleanUpRemovedContainer(ContainerStore& store, snapshotter::Snapshotter& snapshots, const std::string& id,
                               const std::filesystem::path& mountpoint) {
  if (!mountpoint.empty()) {
    if (umount2(mountpoint.c_str(), MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT) {
      return ErrnoError("umount " + mountpoint.string());
    }
    rmdir(mountpoint.c_str());
  }
  MB_ASSIGN_OR_RETURN(cache::FileLock lock, store.Lock(id));
  MB_ASSIGN_OR_RETURN(ContainerRecord record, store.Load(id));
  if (record.state.state == "running" && store.MonitorAlive(id)) {
    return FailedPrecondition("container " + id.substr(0, 12) + " is running again: not removed");
  }
  Status removed = snapshots.Remove(record.snapshot);
  if (!removed.ok() && removed.code() != StatusCode::kNotFound) return removed;
  MB_RETURN_IF_ERROR(RemoveAnonymousVolumes(store.dir().parent_path(), record.settings));
  return store.Remove(id);
}

}  // namespace mybuild::engine

#include "src/engine/container_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <ctime>

#include "src/engine/attach_loop.h"
#include "src/engine/container_filesystem.h"
#include "src/engine/container_store.h"
#include "src/engine/container_time.h"
#include "src/engine/container_volumes.h"
#include "src/executor/attached_sandbox.h"

namespace mybuild::engine {
namespace {

// The record until the run is over: removed on destruction unless kept
// (--rm, or a run that failed) with its anonymous volumes.
class RecordGuard {
 public:
  RecordGuard(ContainerStore& store, const ContainerRecord& record, std::filesystem::path root)
      : store_(store), id_(record.id), settings_(record.settings), root_(std::move(root)) {}
  ~RecordGuard() {
    if (keep_) return;
    store_.Remove(id_).IgnoreError();
    RemoveAnonymousVolumes(root_, settings_).IgnoreError();
  }
  void Keep() { keep_ = true; }

 private:
  ContainerStore& store_;
  std::string id_;
  ContainerSettings settings_;
  std::filesystem::path root_;
  bool keep_ = false;
};

}  // namespace

StatusOr<std::unique_ptr<ContainerRunner>> ContainerRunner::Create(RunnerDeps deps) {
  MB_ASSIGN_OR_RETURN(std::unique_ptr<SignalInbox> inbox, SignalInbox::Create());
  return std::unique_ptr<ContainerRunner>(new ContainerRunner(std::move(deps), std::move(inbox)));
}

void ContainerRunner::Deliver(int signal) { inbox_->Deliver(signal); }

StatusOr<RunResult> ContainerRunner::Run(const RunOptions& options) {
  const RunFlags& flags = options.flags;
  if (options.network == NetworkMode::kJoined) {
    return Unimplemented("a foreground container cannot join a compose network (it runs with a monitor)");
  }
  CreateDeps create{deps_.blobs, deps_.snapshots, deps_.images, deps_.root, deps_.scratch_dir, deps_.snapshotter_choice};
  MB_ASSIGN_OR_RETURN(NewContainer created, CreateContainer(create, options));
  ContainerRecord& record = created.record;
  MB_ASSIGN_OR_RETURN(ContainerStore store, ContainerStore::Open(deps_.root));
  RecordGuard record_guard(store, record, deps_.root);
  MB_ASSIGN_OR_RETURN(cache::FileLock running,
                      cache::FileLock::Acquire(store.MonitorLockPath(record.id), cache::FileLock::Mode::kExclusive));

  MB_ASSIGN_OR_RETURN(std::unique_ptr<ContainerFilesystem> fs,
                      ContainerFilesystem::Create(*deps_.snapshots, record.snapshot, created.parent_snapshot,
                                                  deps_.scratch_dir / ("ctr-" + record.id.substr(0, 12)), flags.remove));
  MB_ASSIGN_OR_RETURN(VolumeStore volumes, VolumeStore::Open(deps_.root));
  MB_ASSIGN_OR_RETURN(ContainerSettings attached_settings, AttachVolumes(record.settings, fs->path(), volumes));
  MB_ASSIGN_OR_RETURN(executor::ExecSpec spec, MakeExecSpec(attached_settings, fs->path(), deps_.host));

  StdioOptions stdio{flags.interactive, flags.tty, deps_.caller_in, deps_.caller_out, deps_.caller_err};
  MB_ASSIGN_OR_RETURN(std::unique_ptr<StdioRelay> relay, StdioRelay::Create(stdio));
  if (inbox_->TakeTermination()) return Cancelled("interrupted before the container started");
  executor::AttachedOptions attached;
  attached.read_only_rootfs = flags.read_only;
  MB_ASSIGN_OR_RETURN(std::unique_ptr<executor::AttachedSandbox> sandbox,
                      executor::AttachedSandbox::Start(spec, relay->container_side(), attached, deps_.scratch_dir));
  relay->CloseContainerSide();
  record.state.state = "running";
  record.state.pid = sandbox->pid();
  record.state.monitor_pid = getpid();
  record.state.started_at = FormatTimeNanos(NowNanos());
  store.WriteState(record.id, record.state).IgnoreError();  // the state is informational while it runs

  AttachPolicy policy{flags.sig_proxy, flags.stop_timeout_seconds, record.settings.stop_signal};
  Status relayed = RunAttachLoop(*sandbox, *relay, *inbox_, policy);
  if (!relayed.ok()) return relayed;  // the sandbox's destructor kills the container
  // Reaped under the container's lock: a `kill` holding it never signals a recycled PID.
  MB_ASSIGN_OR_RETURN(cache::FileLock lock, store.Lock(record.id));
  StatusOr<executor::ExecResult> ended = sandbox->Wait();
  relay.reset();  // the caller's terminal back to its mode before the output below

  RunResult result;
  result.id = record.id;
  if (ended.ok()) {
    result.exit_code = ended->exit_code;
  } else {
    result.start_error = ended.status();
    result.exit_code = ExitCodeOfStartError(ended.status());
    record.state.error = ended.status().message();
  }
  record.state.state = "exited";
  record.state.exit_code = result.exit_code;
  record.state.pid = 0;
  record.state.monitor_pid = 0;
  record.state.finished_at = FormatTimeNanos(NowNanos());
  if (!flags.remove) {
    MB_RETURN_IF_ERROR(store.WriteState(record.id, record.state));
    fs->Keep();
    record_guard.Keep();
  }
  return result;
}

}  // namespace mybuild::engine

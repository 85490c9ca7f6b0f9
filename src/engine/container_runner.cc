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

#include "src/engine/container_filesystem.h"
#include "src/engine/container_store.h"
#include "src/engine/container_time.h"
#include "src/executor/attached_sandbox.h"

namespace mybuild::engine {
namespace {

using Clock = std::chrono::steady_clock;

// After the container's PID 1 has exited, how long its output may stay open (a descriptor passed out
// of the container, e.g. over a bound unix socket) before the relay stops waiting for its end.
constexpr std::chrono::seconds kOutputGrace{2};

bool IsTermination(int signal) { return signal == SIGINT || signal == SIGTERM || signal == SIGHUP; }

// The record until the run is over: removed on destruction unless kept.
class RecordGuard {
 public:
  RecordGuard(ContainerStore& store, std::string id) : store_(store), id_(std::move(id)) {}
  ~RecordGuard() {
    if (!keep_) store_.Remove(id_).IgnoreError();
  }
  void Keep() { keep_ = true; }

 private:
  ContainerStore& store_;
  std::string id_;
  bool keep_ = false;
};

// Relays stdio and handles signals until the container has exited and its output is at its end.
class AttachLoop {
 public:
  AttachLoop(executor::AttachedSandbox& sandbox, StdioRelay& relay, int wake_fd, const RunOptions& options,
             int stop_signal)
      : sandbox_(sandbox), relay_(relay), wake_fd_(wake_fd), options_(options), stop_signal_(stop_signal) {}

  Status Run() {
    std::vector<pollfd> fds;
    for (;;) {
      if (exited_ && relay_.output_done() && !sandbox_.sync_open()) return Status::Ok();
      if (exited_ && Clock::now() >= *grace_end_) return Status::Ok();
      fds.clear();
      fds.push_back({wake_fd_, POLLIN, 0});
      int sync_index = -1, exit_index = -1;
      if (sandbox_.sync_open()) sync_index = Add(fds, sandbox_.sync_fd());
      if (!exited_) exit_index = Add(fds, sandbox_.exit_fd());
      relay_.AddPollFds(fds);
      if (poll(fds.data(), fds.size(), Timeout()) < 0) {
        if (errno == EINTR) continue;
        return ErrnoError("poll(container)");
      }
      if (fds[0].revents != 0) MB_RETURN_IF_ERROR(TakeSignals());
      if (kill_at_ && Clock::now() >= *kill_at_) {
        kill_at_.reset();
        MB_RETURN_IF_ERROR(sandbox_.Signal(SIGKILL));
      }
      if (sync_index >= 0 && fds[static_cast<size_t>(sync_index)].revents != 0) {
        MB_RETURN_IF_ERROR(sandbox_.ReadMessages());
      }
      if (exit_index >= 0 && fds[static_cast<size_t>(exit_index)].revents != 0) {
        exited_ = true;
        grace_end_ = Clock::now() + kOutputGrace;
      }
      MB_RETURN_IF_ERROR(relay_.Handle(fds));
    }
  }

 private:
  static int Add(std::vector<pollfd>& fds, int fd) {
    fds.push_back({fd, POLLIN, 0});
    return static_cast<int>(fds.size() - 1);
  }

  int Timeout() const {
    std::optional<Clock::time_point> next = exited_ ? grace_end_ : kill_at_;
    if (!next) return -1;
    auto left = std::chrono::ceil<std::chrono::milliseconds>(*next - Clock::now()).count();
    return static_cast<int>(std::clamp<int64_t>(left, 0, 1 << 30));
  }

  Status TakeSignals() {
    unsigned char signals[64];
    ssize_t n = read(wake_fd_, signals, sizeof signals);
    for (ssize_t i = 0; i < n; ++i) {
      int signal = signals[i];
      if (signal == SIGWINCH) {
        relay_.ResizeTerminal();
        continue;
      }
      if (!options_.flags.sig_proxy && !IsTermination(signal)) continue;
      MB_RETURN_IF_ERROR(sandbox_.Signal(options_.flags.sig_proxy ? signal : stop_signal_));
      if (IsTermination(signal) && !kill_at_ && !exited_ && options_.flags.stop_timeout_seconds >= 0) {
        kill_at_ = Clock::now() + std::chrono::seconds(options_.flags.stop_timeout_seconds);
      }
    }
    return Status::Ok();
  }

  executor::AttachedSandbox& sandbox_;
  StdioRelay& relay_;
  int wake_fd_;
  const RunOptions& options_;
  int stop_signal_;
  bool exited_ = false;
  std::optional<Clock::time_point> kill_at_;
  std::optional<Clock::time_point> grace_end_;
};

// A termination signal that arrived before the container started: nothing to forward it to.
bool InterruptedBeforeStart(int wake_fd) {
  unsigned char signals[64];
  pollfd fd{wake_fd, POLLIN, 0};
  bool interrupted = false;
  while (poll(&fd, 1, 0) > 0) {
    ssize_t n = read(wake_fd, signals, sizeof signals);
    if (n <= 0) break;
    for (ssize_t i = 0; i < n; ++i) interrupted = interrupted || IsTermination(signals[i]);
  }
  return interrupted;
}

}  // namespace

StatusOr<std::unique_ptr<ContainerRunner>> ContainerRunner::Create(RunnerDeps deps) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0) return ErrnoError("pipe2");
  return std::unique_ptr<ContainerRunner>(new ContainerRunner(std::move(deps), UniqueFd(fds[0]), UniqueFd(fds[1])));
}

void ContainerRunner::Deliver(int signal) {
  unsigned char byte = static_cast<unsigned char>(signal);
  while (write(wake_write_.get(), &byte, 1) < 0 && errno == EINTR) {
  }
}

StatusOr<RunResult> ContainerRunner::Run(const RunOptions& options) {
  const RunFlags& flags = options.flags;
  CreateDeps create{deps_.blobs, deps_.snapshots, deps_.images, deps_.root, deps_.scratch_dir, deps_.snapshotter_choice};
  MB_ASSIGN_OR_RETURN(NewContainer created, CreateContainer(create, options));
  ContainerRecord& record = created.record;
  MB_ASSIGN_OR_RETURN(ContainerStore store, ContainerStore::Open(deps_.root));
  RecordGuard record_guard(store, record.id);
  MB_ASSIGN_OR_RETURN(cache::FileLock running,
                      cache::FileLock::Acquire(store.MonitorLockPath(record.id), cache::FileLock::Mode::kExclusive));

  MB_ASSIGN_OR_RETURN(std::unique_ptr<ContainerFilesystem> fs,
                      ContainerFilesystem::Create(*deps_.snapshots, record.snapshot, created.parent_snapshot,
                                                  deps_.scratch_dir / ("ctr-" + record.id.substr(0, 12)), flags.remove));
  MB_ASSIGN_OR_RETURN(executor::ExecSpec spec, MakeExecSpec(record.settings, fs->path(), deps_.host));

  StdioOptions stdio{flags.interactive, flags.tty, deps_.caller_in, deps_.caller_out, deps_.caller_err};
  MB_ASSIGN_OR_RETURN(std::unique_ptr<StdioRelay> relay, StdioRelay::Create(stdio));
  if (InterruptedBeforeStart(wake_read_.get())) return Cancelled("interrupted before the container started");
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

  AttachLoop loop(*sandbox, *relay, wake_read_.get(), options, record.settings.stop_signal);
  Status relayed = loop.Run();
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

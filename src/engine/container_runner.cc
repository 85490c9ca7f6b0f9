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

#include "snapshotter/passwd.h"
#include "snapshotter/rootfs.h"
#include "src/engine/container_store.h"
#include "src/executor/attached_sandbox.h"
#include "src/worker/image_unpack.h"

namespace mybuild::engine {
namespace {

using Clock = std::chrono::steady_clock;

// After the container's PID 1 has exited, how long its output may stay open (a descriptor passed out
// of the container, e.g. over a bound unix socket) before the relay stops waiting for its end.
constexpr std::chrono::seconds kOutputGrace{2};

bool IsTermination(int signal) { return signal == SIGINT || signal == SIGTERM || signal == SIGHUP; }

// The container's writable snapshot, mounted for the run. Unmounted on destruction; removed too unless
// kept (a container without --rm keeps its filesystem for a later `rm`).
class ContainerFilesystem {
 public:
  // `throwaway`: the snapshot is removed after the run (--rm), so an overlay is mounted "volatile": its
  // writes are never synced, and its unmount does not sync the upper file system (tens of ms when busy).
  static StatusOr<std::unique_ptr<ContainerFilesystem>> Create(snapshotter::Snapshotter& snapshots,
                                                               const std::string& key, const std::string& parent,
                                                               const std::filesystem::path& mountpoint,
                                                               bool throwaway) {
    std::unique_ptr<ContainerFilesystem> fs(new ContainerFilesystem(snapshots, key));
    MB_ASSIGN_OR_RETURN(std::vector<snapshotter::Mount> mounts, snapshots.Prepare(key, parent));
    fs->prepared_ = true;
    if (mkdir(mountpoint.c_str(), 0700) < 0) return ErrnoError("mkdir " + mountpoint.string());
    fs->mountpoint_ = mountpoint;
    if (throwaway && mounts.size() == 1 && mounts[0].type == "overlay") {
      std::vector<snapshotter::Mount> fast = mounts;
      fast[0].options.push_back("volatile");
      StatusOr<snapshotter::ScopedMount> mounted = snapshotter::ScopedMount::MountAll(fast, mountpoint);
      if (mounted.ok()) {
        fs->mount_ = std::move(*mounted);
        return fs;
      }  // a kernel without "volatile" (before 5.10): the plain mount below
    }
    MB_ASSIGN_OR_RETURN(fs->mount_, snapshotter::ScopedMount::MountAll(mounts, mountpoint));
    return fs;
  }
  ~ContainerFilesystem() {
    if (mount_.active()) mount_.Unmount().IgnoreError();
    if (!mountpoint_.empty()) rmdir(mountpoint_.c_str());  // only ever an empty directory
    if (prepared_ && !keep_) snapshots_.Remove(key_).IgnoreError();
  }
  const std::filesystem::path& path() const { return mountpoint_; }
  void Keep() { keep_ = true; }

 private:
  ContainerFilesystem(snapshotter::Snapshotter& snapshots, std::string key) : snapshots_(snapshots), key_(std::move(key)) {}
  snapshotter::Snapshotter& snapshots_;
  std::string key_;
  bool prepared_ = false;
  bool keep_ = false;
  std::filesystem::path mountpoint_;
  snapshotter::ScopedMount mount_;
};

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

std::string NowTimestamp() { return image::FormatTimestamp(static_cast<int64_t>(std::time(nullptr))); }

StatusOr<executor::ExecSpec> MakeExecSpec(const RunOptions& options, const ContainerProcess& process,
                                          const std::filesystem::path& rootfs, const std::string& hostname,
                                          const RunnerDeps& deps) {
  MB_ASSIGN_OR_RETURN(snapshotter::RootFs root, snapshotter::RootFs::Open(rootfs));
  StatusOr<snapshotter::ResolvedUser> user = snapshotter::ResolveUser(root, process.user);
  if (!user.ok()) {
    return InvalidArgument("unable to find user " + process.user + ": " + user.status().message());
  }
  executor::ExecSpec spec;
  spec.rootfs = rootfs;
  spec.args = process.args;
  spec.env = WithHome(process.env, user->home);
  spec.cwd = process.workdir;
  spec.uid = user->uid;
  spec.gid = user->gid;
  spec.additional_gids = user->additional_gids;
  spec.hostname = hostname;
  spec.network = options.network == NetworkMode::kNone ? executor::ExecSpec::Network::kNone
                                                       : executor::ExecSpec::Network::kHost;
  if (options.network == NetworkMode::kHost) spec.resolv_conf = deps.host_resolv_conf;
  spec.hosts = ContainerHosts(options, deps.host_hosts);
  spec.resources = options.resources;
  for (const MountRequest& request : options.mounts) {
    executor::Mount mount;
    mount.type = request.type == MountRequest::Type::kTmpfs ? executor::Mount::Type::kTmpfs
                                                            : executor::Mount::Type::kBind;
    mount.source = request.source;
    mount.target = request.target;
    mount.read_only = request.read_only;
    mount.tmpfs_size_bytes = request.tmpfs_size_bytes;
    spec.extra_mounts.push_back(std::move(mount));
  }
  return spec;
}

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

std::string ContainerHosts(const RunOptions& options, const std::optional<std::string>& host_hosts) {
  std::string hosts;
  if (options.network == NetworkMode::kHost && host_hosts) {
    hosts = *host_hosts;
    if (!hosts.empty() && hosts.back() != '\n') hosts += '\n';
  } else {
    hosts = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n";
  }
  for (const std::string& line : options.extra_hosts) hosts += line + "\n";
  return hosts;
}

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
  MB_ASSIGN_OR_RETURN(image::StoredImage image, deps_.images->Get(flags.image, options.pull));
  MB_ASSIGN_OR_RETURN(std::string id, NewContainerId());
  const std::string hostname = flags.hostname.empty() ? id.substr(0, 12) : flags.hostname;
  MB_ASSIGN_OR_RETURN(ContainerProcess process, DecideProcess(image.config.config, options, hostname));
  int stop_signal = options.stop_signal;
  if (stop_signal == 0 && !image.config.config.stop_signal.empty()) {
    MB_ASSIGN_OR_RETURN(stop_signal, ParseSignal(image.config.config.stop_signal));
  }
  if (stop_signal == 0) stop_signal = SIGTERM;

  MB_ASSIGN_OR_RETURN(ContainerStore store, ContainerStore::Open(deps_.root));
  ContainerRecord record;
  record.id = id;
  record.name = flags.name;
  record.image = flags.image;
  record.image_digest = image.manifest_digest.ToString();
  record.args = process.args;
  record.created = NowTimestamp();
  MB_ASSIGN_OR_RETURN(record, store.Create(std::move(record)));
  RecordGuard record_guard(store, record.id);

  MB_ASSIGN_OR_RETURN(worker::SnapshotResult chain,
                      worker::UnpackImageLayers(*deps_.blobs, *deps_.snapshots, image, deps_.scratch_dir, flags.image));
  MB_ASSIGN_OR_RETURN(std::unique_ptr<ContainerFilesystem> fs,
                      ContainerFilesystem::Create(*deps_.snapshots, record.snapshot, chain.snapshot,
                                                  deps_.scratch_dir / ("ctr-" + record.id.substr(0, 12)), flags.remove));
  MB_ASSIGN_OR_RETURN(executor::ExecSpec spec, MakeExecSpec(options, process, fs->path(), hostname, deps_));

  StdioOptions stdio{flags.interactive, flags.tty, deps_.caller_in, deps_.caller_out, deps_.caller_err};
  MB_ASSIGN_OR_RETURN(std::unique_ptr<StdioRelay> relay, StdioRelay::Create(stdio));
  if (InterruptedBeforeStart(wake_read_.get())) return Cancelled("interrupted before the container started");
  executor::AttachedOptions attached;
  attached.read_only_rootfs = flags.read_only;
  MB_ASSIGN_OR_RETURN(std::unique_ptr<executor::AttachedSandbox> sandbox,
                      executor::AttachedSandbox::Start(spec, relay->container_side(), attached, deps_.scratch_dir));
  relay->CloseContainerSide();
  record.state = "running";
  record.pid = getpid();
  store.Update(record).IgnoreError();  // the record is informational while it runs

  AttachLoop loop(*sandbox, *relay, wake_read_.get(), options, stop_signal);
  Status relayed = loop.Run();
  if (!relayed.ok()) return relayed;  // the sandbox's destructor kills the container
  StatusOr<executor::ExecResult> ended = sandbox->Wait();
  relay.reset();  // the caller's terminal back to its mode before the output below

  RunResult result;
  result.id = record.id;
  if (ended.ok()) {
    result.exit_code = ended->exit_code;
  } else {
    result.start_error = ended.status();
    result.exit_code = ended.status().code() == StatusCode::kNotFound           ? 127
                       : ended.status().code() == StatusCode::kPermissionDenied ? 126
                                                                                : 125;
  }
  record.state = "exited";
  record.exit_code = result.exit_code;
  record.pid = 0;
  if (!flags.remove) {
    MB_RETURN_IF_ERROR(store.Update(record));
    fs->Keep();
    record_guard.Keep();
  }
  return result;
}

}  // namespace mybuild::engine

#include "src/engine/network_holder.h"

#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>

#include "cache/file_lock.h"
#include "src/base/files.h"
#include "src/engine/container_state_file.h"
#include "src/engine/monitor_launch.h"

namespace mybuild::engine {
namespace {

namespace fs = std::filesystem;

constexpr int kReadyFd = 3;

fs::path LockPath(const fs::path& dir) { return dir / "holder.lock"; }

Status BringUpLoopback() {
  UniqueFd fd(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return ErrnoError("socket (loopback)");
  ifreq request{};
  std::strncpy(request.ifr_name, "lo", sizeof request.ifr_name - 1);
  if (ioctl(fd.get(), SIOCGIFFLAGS, &request) < 0) return ErrnoError("ioctl(SIOCGIFFLAGS) lo");
  request.ifr_flags |= IFF_UP | IFF_RUNNING;
  if (ioctl(fd.get(), SIOCSIFFLAGS, &request) < 0) return ErrnoError("ioctl(SIOCSIFFLAGS) lo");
  return Status::Ok();
}

// The live holder's pidfd: opened first, then the lock checked, so that the pid cannot have been recycled.
StatusOr<UniqueFd> HolderPidfd(const fs::path& dir) {
  const std::string network = dir.filename().string();
  StatusOr<std::optional<std::string>> text = ReadFileIfPresent(dir / "holder.pid", 64);
  if (!text.ok() || !*text) return FailedPrecondition("network " + network + " is not up (it has no holder)");
  const long pid = std::strtol((*text)->c_str(), nullptr, 10);
  if (pid <= 0) return DataLoss((dir / "holder.pid").string() + ": not a PID");
  UniqueFd pidfd(static_cast<int>(syscall(SYS_pidfd_open, static_cast<pid_t>(pid), 0)));
  if (!pidfd.valid() && errno != ESRCH) return ErrnoError("pidfd_open (network " + network + ")");
  if (!pidfd.valid() || !NetworkHolderAlive(dir)) {
    return FailedPrecondition("network " + network + " is not up (its holder is gone): run compose up again");
  }
  return pidfd;
}

StatusOr<std::vector<PublishedPort>> ParsePortLines(const std::string& text) {
  std::vector<PublishedPort> ports;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) {
      MB_ASSIGN_OR_RETURN(PublishedPort port, ParsePublishedPort(std::string_view(text).substr(start, end - start)));
      ports.push_back(std::move(port));
    }
    start = end + 1;
  }
  return ports;
}

}  // namespace

fs::path NetworkDir(const fs::path& root, const std::string& name) { return root / "networks" / name; }

StatusOr<std::vector<std::string>> ListNetworks(const fs::path& root) {
  std::vector<std::string> names;
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(root / "networks", error)) {
    if (entry.is_directory()) names.push_back(entry.path().filename().string());
  }
  if (error && error != std::errc::no_such_file_or_directory) return ErrnoError("reading " + (root / "networks").string(), error.value());
  std::sort(names.begin(), names.end());
  return names;
}

Status StartNetworkHolder(const fs::path& dir, const std::vector<PublishedPort>& ports, const fs::path& program) {
  if (mkdir(dir.parent_path().c_str(), 0700) < 0 && errno != EEXIST) return ErrnoError("mkdir " + dir.parent_path().string());
  if (mkdir(dir.c_str(), 0700) < 0 && errno != EEXIST) return ErrnoError("mkdir " + dir.string());
  std::vector<std::string> args = {"mybuild-monitor", "network-holder", "--dir", dir.string(), "--ready-fd",
                                   std::to_string(kReadyFd)};
  for (const PublishedPort& port : ports) {
    args.push_back("--publish");
    args.push_back(FormatPublishedPort(port));
  }
  Status started = LaunchDetached(program, std::move(args));
  if (!started.ok()) {
    return Status(started.code(), "network " + dir.filename().string() + ": " + started.message());
  }
  return Status::Ok();
}

bool NetworkHolderAlive(const fs::path& dir) {
  if (!fs::exists(LockPath(dir))) return false;
  StatusOr<std::optional<cache::FileLock>> lock = cache::FileLock::TryAcquire(LockPath(dir), cache::FileLock::Mode::kShared);
  return lock.ok() && !lock->has_value();
}

StatusOr<std::vector<PublishedPort>> NetworkHolderPorts(const fs::path& dir) {
  MB_ASSIGN_OR_RETURN(std::optional<std::string> text, ReadFileIfPresent(dir / "ports", 1 << 20));
  if (!text) return std::vector<PublishedPort>();
  return ParsePortLines(*text);
}

Status JoinNetwork(const fs::path& dir) {
  MB_ASSIGN_OR_RETURN(UniqueFd pidfd, HolderPidfd(dir));
  if (setns(pidfd.get(), CLONE_NEWNET) < 0) return ErrnoError("setns (network " + dir.filename().string() + ")");
  return Status::Ok();
}

Status StopNetworkHolder(const fs::path& dir) {
  StatusOr<UniqueFd> pidfd = HolderPidfd(dir);
  if (pidfd.ok()) {
    if (syscall(SYS_pidfd_send_signal, pidfd->get(), SIGTERM, nullptr, 0) < 0 && errno != ESRCH) {
      return ErrnoError("pidfd_send_signal (network holder " + dir.filename().string() + ")");
    }
    // Released when it exits.
    MB_ASSIGN_OR_RETURN(cache::FileLock gone, cache::FileLock::Acquire(LockPath(dir), cache::FileLock::Mode::kExclusive));
  }
  std::error_code error;
  fs::remove_all(dir, error);
  if (error) return ErrnoError("removing " + dir.string(), error.value());
  return Status::Ok();
}

Status RunNetworkHolder(const std::vector<std::string>& args) {
  fs::path dir;
  int ready_fd = -1;
  std::vector<PublishedPort> ports;
  for (size_t i = 2; i + 1 < args.size(); i += 2) {
    if (args[i] == "--dir") {
      dir = args[i + 1];
    } else if (args[i] == "--ready-fd") {
      ready_fd = std::atoi(args[i + 1].c_str());
    } else if (args[i] == "--publish") {
      MB_ASSIGN_OR_RETURN(PublishedPort port, ParsePublishedPort(args[i + 1]));
      ports.push_back(std::move(port));
    } else {
      return InvalidArgument("mybuild-monitor network-holder: unknown flag " + args[i]);
    }
  }
  if (dir.empty() || ready_fd < 0 || args.size() % 2 != 0) {
    return InvalidArgument("usage: mybuild-monitor network-holder --dir DIR --ready-fd N [--publish IP:PORT:TARGET]…");
  }
  // Every step before the report: its error goes to the launcher.
  auto prepare = [&]() -> StatusOr<std::pair<cache::FileLock, std::unique_ptr<TcpForwarder>>> {
    MB_ASSIGN_OR_RETURN(std::optional<cache::FileLock> lock,
                        cache::FileLock::TryAcquire(LockPath(dir), cache::FileLock::Mode::kExclusive));
    if (!lock) return FailedPrecondition("it is up already");
    // A mount namespace of its own: the holder outlives the command that started it, and must not keep
    // that command's mount namespace (and whatever it still mounts) alive with it.
    if (unshare(CLONE_NEWNS) < 0) return ErrnoError("unshare(CLONE_NEWNS)");
    // Bound here, in the host's namespace; the connections they forward are made after the unshare.
    MB_ASSIGN_OR_RETURN(std::unique_ptr<TcpForwarder> forwarder, TcpForwarder::Listen(ports));
    if (unshare(CLONE_NEWNET) < 0) return ErrnoError("unshare(CLONE_NEWNET)");
    MB_RETURN_IF_ERROR(BringUpLoopback());
    std::string lines;
    for (const PublishedPort& port : ports) lines += FormatPublishedPort(port) + "\n";
    MB_RETURN_IF_ERROR(WriteRecordFile(dir / "ports", lines));
    MB_RETURN_IF_ERROR(WriteRecordFile(dir / "holder.pid", std::to_string(getpid()) + "\n"));
    return std::make_pair(std::move(*lock), std::move(forwarder));
  };
  sigset_t stop;
  sigemptyset(&stop);
  for (int signal : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&stop, signal);
  sigprocmask(SIG_BLOCK, &stop, nullptr);
  UniqueFd stop_fd(signalfd(-1, &stop, SFD_CLOEXEC));
  auto prepared = prepare();
  if (!stop_fd.valid() && prepared.ok()) prepared = ErrnoError("signalfd");
  ReportMonitorReady(ready_fd, prepared.status());
  if (!prepared.ok()) return prepared.status();
  return prepared->second->Serve(stop_fd.get());
}

}  // namespace mybuild::engine

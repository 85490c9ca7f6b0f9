#include "src/executor/namespace_executor.h"

#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <optional>

#include "src/base/temp_dir.h"
#include "src/base/unique_fd.h"
#include "src/executor/mount_stubs.h"
#include "src/executor/root_mkdir.h"
#include "src/executor/sandbox_init.h"
#include "src/executor/sandbox_launch.h"
#include "src/executor/seccomp_filter.h"
#include "src/executor/sync_protocol.h"

namespace mybuild::executor {
namespace {

using Clock = std::chrono::steady_clock;
using internal::ContainerPath;
using internal::HasNul;
using internal::kMaxPathLength;
using internal::Pipe;
using internal::PreparedStep;
using internal::SandboxProcess;

constexpr size_t kMaxGroups = 65536;
constexpr uint32_t kInvalidId = 0xffffffffu;  // (uid_t)-1 means "leave unchanged" to set*id()

// What the parent learns while the step runs.
struct Observed {
  std::vector<std::string> created;  // stubs, in creation order
  std::optional<ChildMessage> error;
  std::optional<int> wait_status;
  bool cancelled = false;
  bool timed_out = false;
};

Status HandleMessage(const ChildMessage& message, Observed& observed) {
  switch (message.type) {
    case MessageType::kCreated:
      observed.created.emplace_back(message.path, strnlen(message.path, sizeof message.path));
      return Status::Ok();
    case MessageType::kError:
      if (!observed.error) observed.error = message;
      return Status::Ok();
    case MessageType::kExited:
      observed.wait_status = message.wait_status;
      return Status::Ok();
  }
  return Internal("unknown message type " + std::to_string(static_cast<uint32_t>(message.type)) +
                  " on the sandbox sync pipe");
}

// Streams output and reads messages until every pipe is closed, killing the sandbox on cancellation
// or when the deadline passes.
Status Monitor(SandboxProcess& process, Pipe& out, Pipe& err, Pipe& sync, OutputSink& sink, CancelToken& cancel,
               std::optional<Clock::time_point> deadline, Observed& observed) {
  LineSplitter out_lines(OutputStream::kStdout, sink);
  LineSplitter err_lines(OutputStream::kStderr, sink);
  bool out_open = true, err_open = true, sync_open = true, killed = false;
  char buffer[64 * 1024];
  while (out_open || err_open || sync_open) {
    pollfd fds[4];
    nfds_t count = 0;
    int out_index = -1, err_index = -1, sync_index = -1;
    if (out_open) out_index = count, fds[count++] = {out.read.get(), POLLIN, 0};
    if (err_open) err_index = count, fds[count++] = {err.read.get(), POLLIN, 0};
    if (sync_open) sync_index = count, fds[count++] = {sync.read.get(), POLLIN, 0};
    int timeout_ms = -1;
    if (!killed) {
      if (cancel.fd() >= 0) {
        fds[count++] = {cancel.fd(), POLLIN, 0};
      } else {
        timeout_ms = 100;
      }
      if (deadline) {
        auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline - Clock::now()).count();
        int left_ms = static_cast<int>(std::clamp<int64_t>(left, 0, 1 << 30));
        timeout_ms = timeout_ms < 0 ? left_ms : std::min(timeout_ms, left_ms);
      }
    }
    if (poll(fds, count, timeout_ms) < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("poll(sandbox output)");
    }
    if (!killed && (cancel.IsCancelled() || (deadline && Clock::now() >= *deadline))) {
      (cancel.IsCancelled() ? observed.cancelled : observed.timed_out) = true;
      process.Kill();  // init is PID 1: the kernel kills the rest of the namespace with it
      killed = true;
    }
    auto drain = [&](int index, Pipe& pipe, LineSplitter& lines, bool& open) -> Status {
      if (index < 0 || fds[index].revents == 0) return Status::Ok();
      ssize_t n = read(pipe.read.get(), buffer, sizeof buffer);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) return Status::Ok();
      if (n < 0) return ErrnoError("read(sandbox output)");
      if (n == 0) {
        lines.Finish();
        open = false;
      } else {
        lines.Feed(std::string_view(buffer, static_cast<size_t>(n)));
      }
      return Status::Ok();
    };
    MB_RETURN_IF_ERROR(drain(out_index, out, out_lines, out_open));
    MB_RETURN_IF_ERROR(drain(err_index, err, err_lines, err_open));
    if (sync_index >= 0 && fds[sync_index].revents != 0) {
      ChildMessage message;
      ssize_t n = read(sync.read.get(), &message, sizeof message);
      if (n < 0 && errno != EINTR) return ErrnoError("read(sandbox sync pipe)");
      if (n == 0) sync_open = false;
      if (n > 0 && n != static_cast<ssize_t>(sizeof message)) {
        return Internal("short message (" + std::to_string(n) + " bytes) on the sandbox sync pipe");
      }
      if (n > 0) MB_RETURN_IF_ERROR(HandleMessage(message, observed));
    }
  }
  return Status::Ok();
}


std::vector<std::string> MountTargets(const ExecSpec& spec, const PreparedStep& step) {
  std::vector<std::string> targets = {"/dev", "/proc", "/sys"};
  if (spec.resolv_conf) targets.push_back("/etc/resolv.conf");
  if (spec.hosts) targets.push_back("/etc/hosts");
  targets.push_back("/etc/hostname");
  for (const std::string& target : step.mount_targets) targets.push_back(target);
  std::sort(targets.begin(), targets.end());
  targets.erase(std::unique(targets.begin(), targets.end()), targets.end());
  return targets;
}

}  // namespace

Status ValidateExecSpec(const ExecSpec& spec) {
  if (spec.rootfs.empty()) return InvalidArgument("the step has no rootfs");
  if (!std::filesystem::is_directory(spec.rootfs)) {
    return InvalidArgument("the rootfs " + spec.rootfs.string() + " is not a directory");
  }
  if (spec.rootfs.string().size() > kMaxPathLength || HasNul(spec.rootfs.string())) {
    return InvalidArgument("the rootfs path is too long or contains a NUL byte");
  }
  if (spec.args.empty() || spec.args[0].empty()) return InvalidArgument("RUN needs a command to run");
  for (const std::string& arg : spec.args) {
    if (HasNul(arg)) return InvalidArgument("a RUN argument contains a NUL byte");
  }
  for (const std::string& entry : spec.env) {
    if (HasNul(entry)) return InvalidArgument("an environment entry contains a NUL byte");
    if (entry.find('=') == std::string::npos || entry[0] == '=') {
      return InvalidArgument("environment entry \"" + entry + "\" is not of the form KEY=VALUE");
    }
  }
  MB_RETURN_IF_ERROR(ContainerPath(spec.cwd.empty() ? "/" : spec.cwd, "the working directory", true).status());
  if (spec.hostname.size() > 64 || HasNul(spec.hostname)) {
    return InvalidArgument("hostname \"" + spec.hostname + "\" is longer than 64 bytes or contains a NUL byte");
  }
  if (spec.uid == kInvalidId) return InvalidArgument("uid 4294967295 is not a valid user id");
  if (spec.gid == kInvalidId) return InvalidArgument("gid 4294967295 is not a valid group id");
  for (uint32_t gid : spec.additional_gids) {
    if (gid == kInvalidId) return InvalidArgument("gid 4294967295 is not a valid group id");
  }
  if (spec.additional_gids.size() + 1 > kMaxGroups) return InvalidArgument("too many supplementary groups");
  for (const Mount& mount : spec.extra_mounts) {
    MB_ASSIGN_OR_RETURN(std::string target, ContainerPath(mount.target, "a mount target", false));
    if (target == "/") return InvalidArgument("a mount target must not be the container's root");
    if (mount.type == Mount::Type::kFile) {
      if (mount.contents.size() > kMaxFileMountBytes) {
        return InvalidArgument("the file mounted at " + target + " is larger than " +
                               std::to_string(kMaxFileMountBytes) + " bytes");
      }
      if (mount.file_mode > 07777) {
        char mode[16];
        std::snprintf(mode, sizeof mode, "%o", mount.file_mode);
        return InvalidArgument("file mode " + std::string(mode) + " for " + target + " is not a mode (07777 at most)");
      }
      if (mount.file_uid == kInvalidId || mount.file_gid == kInvalidId) {
        return InvalidArgument("uid/gid 4294967295 of the file mounted at " + target + " is not a valid id");
      }
    }
    if (mount.type == Mount::Type::kBind) {
      struct stat st;
      if (mount.source.empty() || stat(mount.source.c_str(), &st) < 0) {
        return InvalidArgument("bind mount source \"" + mount.source.string() + "\" does not exist");
      }
      if (mount.source.string().size() > kMaxPathLength || HasNul(mount.source.string())) {
        return InvalidArgument("bind mount source path is too long or contains a NUL byte");
      }
    }
  }
  return Status::Ok();
}

StatusOr<ExecResult> NamespaceExecutor::Run(const ExecSpec& spec, OutputSink& out, CancelToken& cancel) {
  MB_RETURN_IF_ERROR(ValidateExecSpec(spec));
  if (cancel.IsCancelled()) return Cancelled("RUN cancelled before it started");
  std::optional<Clock::time_point> deadline;
  if (spec.timeout.count() > 0) deadline = Clock::now() + spec.timeout;

  PreparedStep step;
  MB_RETURN_IF_ERROR(internal::Prepare(spec, state_dir_, step));
  UniqueFd root_fd(open(step.rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root_fd.valid()) return ErrnoError("open rootfs " + step.rootfs);
  // Before the sandbox: a symlinked WORKDIR gets its target created inside the rootfs (the sandbox's
  // own mkdir, after pivot_root, then only has to cover a WORKDIR below a mount target).
  MB_RETURN_IF_ERROR(MakeDirectoriesInRoot(root_fd.get(), step.cwd));
  UniqueFd dev_null(open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (!dev_null.valid()) return ErrnoError("open /dev/null");
  MB_ASSIGN_OR_RETURN(Pipe out_pipe, internal::MakePipe());
  MB_ASSIGN_OR_RETURN(Pipe err_pipe, internal::MakePipe());
  MB_ASSIGN_OR_RETURN(Pipe sync_pipe, internal::MakePipe());
  step.plan.stdin_fd = dev_null.get();
  step.plan.stdout_fd = out_pipe.write.get();
  step.plan.stderr_fd = err_pipe.write.get();
  step.plan.sync_fd = sync_pipe.write.get();

  MB_ASSIGN_OR_RETURN(UniqueFd pidfd, internal::CloneSandbox(spec, step));
  SandboxProcess process{std::move(pidfd)};
  // Only the sandbox may hold the write ends: the pipes reach EOF when its last process is gone.
  out_pipe.write.Reset();
  err_pipe.write.Reset();
  sync_pipe.write.Reset();
  dev_null.Reset();

  Observed observed;
  Status monitored = Monitor(process, out_pipe, err_pipe, sync_pipe, out, cancel, deadline, observed);
  if (!monitored.ok()) return monitored;  // the SandboxProcess destructor kills and reaps
  MB_ASSIGN_OR_RETURN(siginfo_t init_status, process.Wait());
  Status cleanup = RemoveMountStubs(root_fd.get(), observed.created);

  if (observed.cancelled) return Cancelled("RUN cancelled: the sandbox was killed");
  if (observed.timed_out) {
    return ResourceExhausted("RUN exceeded its time limit of " + std::to_string(spec.timeout.count()) +
                             " ms: the sandbox was killed");
  }
  if (observed.error) return internal::SetupError(*observed.error);
  if (!observed.wait_status) {
    std::string how = init_status.si_code == CLD_EXITED ? "exit code " + std::to_string(init_status.si_status)
                                                        : "signal " + std::to_string(init_status.si_status);
    return Internal("the sandbox init ended (" + how + ") without reporting the command's status");
  }
  if (!cleanup.ok()) return cleanup.WithContext("removing the mount targets created for the step");

  ExecResult result;
  int status = *observed.wait_status;
  if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
    result.exit_code = 128 + result.signal;
  } else {
    result.exit_code = WEXITSTATUS(status);
  }
  result.mount_targets = MountTargets(spec, step);
  return result;
}

}  // namespace mybuild::executor

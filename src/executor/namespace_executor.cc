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
#include "src/executor/seccomp_filter.h"
#include "src/executor/sync_protocol.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

namespace mybuild::executor {
namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kMaxPathLength = kMessagePathSize - 1;
constexpr size_t kMaxGroups = 65536;
constexpr uint32_t kInvalidId = 0xffffffffu;  // (uid_t)-1 means "leave unchanged" to set*id()

bool HasNul(const std::string& text) { return text.find('\0') != std::string::npos; }

// Normalises an absolute container path: "/a/./b/" → "/a/b". With allow_dotdot, ".." is resolved
// lexically (it stops at the root, as inside the container); without, it is refused.
StatusOr<std::string> ContainerPath(const std::string& path, const char* what, bool allow_dotdot) {
  if (path.empty() || path[0] != '/') {
    return InvalidArgument(std::string(what) + " must be an absolute path, got \"" + path + "\"");
  }
  if (HasNul(path)) return InvalidArgument(std::string(what) + " contains a NUL byte");
  std::filesystem::path raw(path);
  if (!allow_dotdot && std::find(raw.begin(), raw.end(), "..") != raw.end()) {
    return InvalidArgument(std::string(what) + " must not contain \"..\": \"" + path + "\"");
  }
  std::string text = raw.lexically_normal().string();
  while (text.size() > 1 && text.back() == '/') text.pop_back();
  if (text.size() > kMaxPathLength) return InvalidArgument(std::string(what) + " is too long: \"" + path + "\"");
  return text;
}

struct Pipe {
  UniqueFd read;
  UniqueFd write;
};

StatusOr<Pipe> MakePipe() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) < 0) return ErrnoError("pipe2");
  return Pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

Status WriteStateFile(const std::filesystem::path& path, const std::string& content) {
  UniqueFd fd(open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644));
  if (!fd.valid()) return ErrnoError("open " + path.string());
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = write(fd.get(), content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoError("write " + path.string());
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

// Everything a SandboxPlan points to, owned by the parent for the duration of the step.
struct PreparedStep {
  std::string rootfs;
  std::vector<char*> argv;
  std::vector<std::string> env;
  std::vector<char*> envp;
  std::string search_path;
  std::string cwd;
  std::string hostname;
  std::vector<gid_t> groups;
  std::optional<TempDir> state;
  std::string resolv_conf;
  std::string hosts;
  std::string hostname_file;
  std::vector<std::string> mount_targets;  // container paths of the extra mounts
  std::vector<std::string> tmpfs_options;
  std::string files_dir;                // kFile mounts: where init mounts their tmpfs (in its namespace)
  std::string files_tmpfs_options;
  std::vector<std::string> file_names;
  std::vector<PlanMount> mounts;
  std::vector<int> mount_tree_fds;
  SandboxPlan plan;
};

// The extra mounts of `spec` as the sandbox's init applies them. The strings they point to live in
// `step` (its vectors are reserved first, so the pointers stay valid); file mounts get a tmpfs of their
// own, sized for their contents, mounted by init in the step's mount namespace.
Status PrepareMounts(const ExecSpec& spec, PreparedStep& step) {
  step.mount_targets.reserve(spec.extra_mounts.size());
  step.tmpfs_options.reserve(spec.extra_mounts.size());
  step.file_names.reserve(spec.extra_mounts.size());
  uint64_t file_bytes = 0;
  for (const Mount& mount : spec.extra_mounts) {
    MB_ASSIGN_OR_RETURN(std::string target, ContainerPath(mount.target, "a mount target", false));
    step.mount_targets.push_back(std::move(target));
    PlanMount plan_mount;
    plan_mount.is_tmpfs = mount.type == Mount::Type::kTmpfs;
    plan_mount.target = step.mount_targets.back().c_str();
    plan_mount.read_only = mount.read_only;
    if (plan_mount.is_tmpfs) {
      step.tmpfs_options.push_back(mount.tmpfs_size_bytes == 0 ? "mode=1777"
                                                              : "mode=1777,size=" + std::to_string(mount.tmpfs_size_bytes));
      plan_mount.tmpfs_options = step.tmpfs_options.back().c_str();
    } else if (mount.type == Mount::Type::kFile) {
      plan_mount.is_file = true;
      plan_mount.target_is_dir = false;
      plan_mount.read_only = true;
      plan_mount.contents = mount.contents.data();
      plan_mount.content_size = mount.contents.size();
      plan_mount.file_mode = static_cast<mode_t>(mount.file_mode);
      plan_mount.file_uid = mount.file_uid;
      plan_mount.file_gid = mount.file_gid;
      step.file_names.push_back(std::to_string(step.file_names.size()));
      plan_mount.file_name = step.file_names.back().c_str();
      file_bytes += mount.contents.size() + 4096;  // tmpfs counts whole pages
    } else {
      plan_mount.source = mount.source.c_str();
      plan_mount.target_is_dir = std::filesystem::is_directory(mount.source);
    }
    step.mounts.push_back(plan_mount);
  }
  step.mount_tree_fds.assign(step.mounts.size(), -1);
  if (!step.file_names.empty()) {
    step.files_dir = (step.state->path() / "files").string();
    if (mkdir(step.files_dir.c_str(), 0700) < 0) return ErrnoError("mkdir " + step.files_dir);
    step.files_tmpfs_options = "mode=0700,size=" + std::to_string(file_bytes + 4096);
  }
  return Status::Ok();
}

Status Prepare(const ExecSpec& spec, const std::filesystem::path& state_dir, PreparedStep& step) {
  std::error_code ignored;
  step.rootfs = std::filesystem::absolute(spec.rootfs, ignored).lexically_normal().string();
  while (step.rootfs.size() > 1 && step.rootfs.back() == '/') step.rootfs.pop_back();
  for (const std::string& arg : spec.args) step.argv.push_back(const_cast<char*>(arg.c_str()));
  step.argv.push_back(nullptr);

  step.env = spec.env;
  auto path_entry = std::find_if(step.env.begin(), step.env.end(),
                                 [](const std::string& entry) { return entry.rfind("PATH=", 0) == 0; });
  if (path_entry == step.env.end()) {
    step.env.push_back(std::string("PATH=") + kDefaultPath);
    step.search_path = kDefaultPath;
  } else {
    step.search_path = path_entry->substr(5);
  }
  for (std::string& entry : step.env) step.envp.push_back(entry.data());
  step.envp.push_back(nullptr);

  MB_ASSIGN_OR_RETURN(step.cwd, ContainerPath(spec.cwd.empty() ? "/" : spec.cwd, "the working directory", true));
  step.hostname = spec.hostname.empty() ? "mybuild" : spec.hostname;

  step.groups.push_back(spec.gid);  // the primary gid is always a supplementary group (CVE-2022-2990)
  for (uint32_t gid : spec.additional_gids) {
    if (std::find(step.groups.begin(), step.groups.end(), gid) == step.groups.end()) step.groups.push_back(gid);
  }

  {
    MB_ASSIGN_OR_RETURN(TempDir state, TempDir::Create(state_dir, "mybuild-run-"));
    step.state.emplace(std::move(state));
    step.hostname_file = (step.state->path() / "hostname").string();
    MB_RETURN_IF_ERROR(WriteStateFile(step.hostname_file, spec.hostname + "\n"));
    if (spec.resolv_conf) {
      step.resolv_conf = (step.state->path() / "resolv.conf").string();
      MB_RETURN_IF_ERROR(WriteStateFile(step.resolv_conf, *spec.resolv_conf));
    }
    if (spec.hosts) {
      step.hosts = (step.state->path() / "hosts").string();
      MB_RETURN_IF_ERROR(WriteStateFile(step.hosts, *spec.hosts));
    }
  }

  MB_RETURN_IF_ERROR(PrepareMounts(spec, step));

  SandboxPlan& plan = step.plan;
  plan.rootfs = step.rootfs.c_str();
  plan.argv = step.argv.data();
  plan.envp = step.envp.data();
  plan.search_path = step.search_path.c_str();
  plan.cwd = step.cwd.c_str();
  plan.uid = spec.uid;
  plan.gid = spec.gid;
  plan.groups = step.groups.data();
  plan.group_count = step.groups.size();
  plan.hostname = step.hostname.c_str();
  plan.loopback_only = spec.network == ExecSpec::Network::kNone;
  plan.resolv_conf = spec.resolv_conf ? step.resolv_conf.c_str() : nullptr;
  plan.hosts = spec.hosts ? step.hosts.c_str() : nullptr;
  plan.hostname_file = step.hostname_file.c_str();
  plan.files_dir = step.files_dir.empty() ? nullptr : step.files_dir.c_str();
  plan.files_tmpfs_options = step.files_tmpfs_options.c_str();
  plan.mounts = step.mounts.data();
  plan.mount_count = step.mounts.size();
  plan.mount_tree_fds = step.mount_tree_fds.data();
  if (spec.seccomp) {
    MB_ASSIGN_OR_RETURN(const std::vector<sock_filter>* program, DefaultSeccompProgram());
    if (program->size() > 0xffff) return Internal("the seccomp filter is too long");
    plan.seccomp_filter = program->data();
    plan.seccomp_length = static_cast<unsigned short>(program->size());
  }
  return Status::Ok();
}

// The sandbox's init process. Killed (SIGKILL, which ends its PID namespace) and reaped on destruction
// unless Wait() has reaped it already.
class SandboxProcess {
 public:
  explicit SandboxProcess(UniqueFd pidfd) : pidfd_(std::move(pidfd)) {}
  SandboxProcess(const SandboxProcess&) = delete;
  SandboxProcess& operator=(const SandboxProcess&) = delete;
  ~SandboxProcess() {
    if (reaped_) return;
    Kill();
    Wait().status().IgnoreError();
  }

  void Kill() { syscall(SYS_pidfd_send_signal, pidfd_.get(), SIGKILL, nullptr, 0); }

  StatusOr<siginfo_t> Wait() {
    siginfo_t info{};
    while (waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(pidfd_.get()), &info, WEXITED) < 0) {
      if (errno != EINTR) return ErrnoError("waitid(sandbox init)");
    }
    reaped_ = true;
    return info;
  }

 private:
  UniqueFd pidfd_;
  bool reaped_ = false;
};

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

Status SetupError(const ChildMessage& message) {
  std::string path(message.path, strnlen(message.path, sizeof message.path));
  std::string syscall_name(message.syscall, strnlen(message.syscall, sizeof message.syscall));
  if (message.step == SetupStep::kExec) {
    if (message.err == ENOENT) {
      return NotFound("exec \"" + path + "\": executable file not found in the container's $PATH");
    }
    return Status(StatusCode::kFailedPrecondition,
                  "exec \"" + path + "\" in the container: " + syscall_name + ": " + std::strerror(message.err));
  }
  if (syscall_name == kNotADirectoryTarget) {
    return Status(StatusCode::kFailedPrecondition,
                  "cannot start RUN: " + path + " in the image is not a directory (a symlink or a file): " +
                      std::string(SetupStepName(message.step)) + " needs an ordinary directory there");
  }
  std::string where = path.empty() ? "" : " " + path;
  return Status(StatusCode::kFailedPrecondition, "sandbox setup failed at step \"" +
                                                     std::string(SetupStepName(message.step)) + "\": " +
                                                     syscall_name + where + ": " + std::strerror(message.err));
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
  MB_RETURN_IF_ERROR(Prepare(spec, state_dir_, step));
  UniqueFd root_fd(open(step.rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root_fd.valid()) return ErrnoError("open rootfs " + step.rootfs);
  // Before the sandbox: a symlinked WORKDIR gets its target created inside the rootfs (the sandbox's
  // own mkdir, after pivot_root, then only has to cover a WORKDIR below a mount target).
  MB_RETURN_IF_ERROR(MakeDirectoriesInRoot(root_fd.get(), step.cwd));
  UniqueFd dev_null(open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (!dev_null.valid()) return ErrnoError("open /dev/null");
  MB_ASSIGN_OR_RETURN(Pipe out_pipe, MakePipe());
  MB_ASSIGN_OR_RETURN(Pipe err_pipe, MakePipe());
  MB_ASSIGN_OR_RETURN(Pipe sync_pipe, MakePipe());
  step.plan.stdin_fd = dev_null.get();
  step.plan.stdout_fd = out_pipe.write.get();
  step.plan.stderr_fd = err_pipe.write.get();
  step.plan.sync_fd = sync_pipe.write.get();

  clone_args args{};
  int pidfd = -1;
  args.flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWCGROUP | CLONE_PIDFD;
  if (spec.network == ExecSpec::Network::kNone) args.flags |= CLONE_NEWNET;
  args.pidfd = reinterpret_cast<uint64_t>(&pidfd);
  args.exit_signal = SIGCHLD;
  long pid = syscall(SYS_clone3, &args, sizeof args);
  if (pid == 0) RunSandboxInit(step.plan);
  if (pid < 0) {
    int error = errno;
    if (error == EPERM) {
      return Status(StatusCode::kPermissionDenied,
                    "creating the RUN sandbox (clone3 with new namespaces) was refused: mybuild must run as root "
                    "with CAP_SYS_ADMIN: " + std::string(std::strerror(error)));
    }
    return ErrnoError("clone3 (RUN sandbox)", error);
  }
  SandboxProcess process{UniqueFd(pidfd)};
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
  if (observed.error) return SetupError(*observed.error);
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

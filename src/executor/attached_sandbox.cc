#include "src/executor/attached_sandbox.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "src/base/files.h"
#include "src/executor/mount_stubs.h"
#include "src/executor/namespace_executor.h"
#include "src/executor/root_mkdir.h"
#include "src/executor/sandbox_launch.h"

namespace mybuild::executor {

struct AttachedSandbox::State {
  internal::PreparedStep step;
  UniqueFd root_fd;
  UniqueFd sync_read;
  std::optional<internal::SandboxProcess> process;
  std::vector<std::string> created;  // mount target stubs, in creation order
  std::optional<ChildMessage> error;
  bool waited = false;
  int64_t pid = 0;
};

namespace {

// The PID a pidfd refers to, from its /proc/self/fdinfo entry ("Pid:\tN").
StatusOr<int64_t> PidOfPidfd(int pidfd) {
  const std::string path = "/proc/self/fdinfo/" + std::to_string(pidfd);
  MB_ASSIGN_OR_RETURN(std::string info, ReadFile(path, 1 << 16));
  size_t at = info.find("\nPid:");
  if (at == std::string::npos) return Internal(path + " has no Pid line");
  return std::stoll(info.substr(at + 6));
}

// Points the plan's 0, 1, 2 at `stdio` (/dev/null, opened into `dev_null`, for a missing stdin) and its
// sync descriptor at the write end of the returned pipe.
StatusOr<internal::Pipe> PlanStdio(const AttachedStdio& stdio, SandboxPlan& plan, UniqueFd& dev_null) {
  if (stdio.stdin_fd < 0) {
    dev_null = UniqueFd(open("/dev/null", O_RDONLY | O_CLOEXEC));
    if (!dev_null.valid()) return ErrnoError("open /dev/null");
  }
  MB_ASSIGN_OR_RETURN(internal::Pipe sync_pipe, internal::MakePipe());
  plan.stdin_fd = stdio.stdin_fd >= 0 ? stdio.stdin_fd : dev_null.get();
  plan.stdout_fd = stdio.stdout_fd;
  plan.stderr_fd = stdio.stderr_fd;
  plan.sync_fd = sync_pipe.write.get();
  plan.controlling_terminal = stdio.terminal;
  return sync_pipe;
}

// A failed exec as docker's exit codes tell it: 127 not found, 126 found but not executable.
Status AttachedSetupError(const ChildMessage& message) {
  Status error = internal::SetupError(message);
  if (message.step == SetupStep::kExec && message.err != ENOENT) {
    return Status(StatusCode::kPermissionDenied, error.message());
  }
  return error;
}

}  // namespace

AttachedSandbox::AttachedSandbox(std::unique_ptr<State> state) : state_(std::move(state)) {}

AttachedSandbox::~AttachedSandbox() {
  if (state_->waited) return;
  state_->process.reset();  // kills (SIGKILL ends the whole PID namespace) and reaps
  // Only messages already in the pipe remain: every writer is gone.
  while (sync_open_ && ReadMessages().ok()) {
  }
  RemoveMountStubs(state_->root_fd.get(), state_->created).IgnoreError();
}

StatusOr<std::unique_ptr<AttachedSandbox>> AttachedSandbox::Start(const ExecSpec& spec, const AttachedStdio& stdio,
                                                                  const AttachedOptions& options,
                                                                  const std::filesystem::path& state_dir) {
  MB_RETURN_IF_ERROR(ValidateExecSpec(spec));
  auto state = std::make_unique<State>();
  internal::PreparedStep& step = state->step;
  MB_RETURN_IF_ERROR(internal::Prepare(spec, state_dir, step));
  state->root_fd = UniqueFd(open(step.rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!state->root_fd.valid()) return ErrnoError("open rootfs " + step.rootfs);
  // As for RUN: a symlinked working directory gets its target created inside the rootfs.
  MB_RETURN_IF_ERROR(MakeDirectoriesInRoot(state->root_fd.get(), step.cwd));
  UniqueFd dev_null;
  MB_ASSIGN_OR_RETURN(internal::Pipe sync_pipe, PlanStdio(stdio, step.plan, dev_null));
  step.plan.command_is_init = true;
  step.plan.read_only_rootfs = options.read_only_rootfs;

  MB_ASSIGN_OR_RETURN(UniqueFd pidfd, internal::CloneSandbox(spec, step));
  state->process.emplace(std::move(pidfd));
  MB_ASSIGN_OR_RETURN(state->pid, PidOfPidfd(state->process->pidfd()));  // on error, ~State kills it
  state->sync_read = std::move(sync_pipe.read);
  return std::unique_ptr<AttachedSandbox>(new AttachedSandbox(std::move(state)));
}

bool AttachedSandbox::setup_failed() const { return state_->error.has_value(); }
int64_t AttachedSandbox::pid() const { return state_->pid; }

StatusOr<std::unique_ptr<AttachedSandbox>> AttachedSandbox::Join(int target_pidfd, const ExecSpec& spec,
                                                                 const AttachedStdio& stdio) {
  auto state = std::make_unique<State>();
  internal::PreparedStep& step = state->step;
  MB_RETURN_IF_ERROR(internal::PrepareProcess(spec, step));
  UniqueFd dev_null;
  MB_ASSIGN_OR_RETURN(internal::Pipe sync_pipe, PlanStdio(stdio, step.plan, dev_null));
  MB_ASSIGN_OR_RETURN(UniqueFd pidfd, internal::CloneJoined(target_pidfd, step));
  state->process.emplace(std::move(pidfd));
  MB_ASSIGN_OR_RETURN(state->pid, PidOfPidfd(state->process->pidfd()));
  state->sync_read = std::move(sync_pipe.read);
  return std::unique_ptr<AttachedSandbox>(new AttachedSandbox(std::move(state)));
}

int AttachedSandbox::exit_fd() const { return state_->process->pidfd(); }
int AttachedSandbox::sync_fd() const { return state_->sync_read.get(); }

Status AttachedSandbox::ReadMessages() {
  if (!sync_open_) return Status::Ok();
  ChildMessage message;
  ssize_t n;
  do {
    n = read(state_->sync_read.get(), &message, sizeof message);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return ErrnoError("read(sandbox sync pipe)");
  if (n == 0) {
    sync_open_ = false;
    return Status::Ok();
  }
  if (n != static_cast<ssize_t>(sizeof message)) {
    return Internal("short message (" + std::to_string(n) + " bytes) on the sandbox sync pipe");
  }
  if (message.type == MessageType::kCreated) {
    state_->created.emplace_back(message.path, strnlen(message.path, sizeof message.path));
  } else if (message.type == MessageType::kError && !state_->error) {
    state_->error = message;
  }
  return Status::Ok();
}

Status AttachedSandbox::Signal(int signal) {
  if (state_->waited) return Status::Ok();
  if (syscall(SYS_pidfd_send_signal, state_->process->pidfd(), signal, nullptr, 0) < 0 && errno != ESRCH) {
    return ErrnoError("pidfd_send_signal(" + std::to_string(signal) + ")");
  }
  return Status::Ok();
}

StatusOr<ExecResult> AttachedSandbox::Wait() {
  MB_ASSIGN_OR_RETURN(siginfo_t info, state_->process->Wait());
  state_->waited = true;
  while (sync_open_) MB_RETURN_IF_ERROR(ReadMessages());
  Status cleanup = RemoveMountStubs(state_->root_fd.get(), state_->created);
  if (state_->error) return AttachedSetupError(*state_->error);
  MB_RETURN_IF_ERROR(cleanup.ok() ? cleanup : cleanup.WithContext("removing the mount targets made for the container"));
  ExecResult result;
  if (info.si_code == CLD_EXITED) {
    result.exit_code = info.si_status;
  } else {
    result.signal = info.si_status;
    result.exit_code = 128 + result.signal;
  }
  return result;
}

}  // namespace mybuild::executor

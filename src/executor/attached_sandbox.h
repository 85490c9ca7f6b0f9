// The attached mode of the sandbox, for containers (`mybuild run`): the same sandbox as a RUN step
// (namespace_executor.h), but the command gets file descriptors chosen by the caller as its stdin,
// stdout and stderr (pipes the caller relays, or a pseudo-terminal's slave), and it is PID 1 of its
// PID namespace, as in docker: signals reach it only when it handles them, and when it exits the kernel
// kills every other process of the container.
//
// Use: Start(); poll sync_fd() (call ReadMessages() when readable) and exit_fd() (readable once the
// command has exited) beside the caller's own descriptors; Signal() at any time; Wait() for the result.
// Destroying a sandbox that has not been waited for kills it (SIGKILL) and reaps it. The mount targets
// created for it in the rootfs are removed by Wait() or the destructor.
#ifndef MYBUILD_EXECUTOR_ATTACHED_SANDBOX_H_
#define MYBUILD_EXECUTOR_ATTACHED_SANDBOX_H_

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "src/base/status.h"
#include "src/base/unique_fd.h"
#include "src/executor/executor.h"

namespace mybuild::executor {

// The caller's descriptors for the command's 0, 1 and 2 (duplicated into the sandbox; the caller may
// close its copies once Start() returns). stdin_fd -1 means /dev/null.
struct AttachedStdio {
  int stdin_fd = -1;
  int stdout_fd = -1;
  int stderr_fd = -1;
  bool terminal = false;  // stdin is a terminal's slave: it becomes the command's controlling terminal
};

struct AttachedOptions {
  bool read_only_rootfs = false;  // the container's root mount is read-only (docker run --read-only)
};

class AttachedSandbox {
 public:
  // Validates `spec` (ValidateExecSpec) and starts it. `state_dir` as for NamespaceExecutor. Errors are
  // those of the sandbox's preparation; a setup step that fails later is reported by Wait().
  static StatusOr<std::unique_ptr<AttachedSandbox>> Start(const ExecSpec& spec, const AttachedStdio& stdio,
                                                           const AttachedOptions& options,
                                                           const std::filesystem::path& state_dir);
  // A process in the running container whose PID 1 `target_pidfd` refers to (`exec`): it joins the
  // container's namespaces and is confined as its PID 1 was (capabilities, seccomp, no_new_privs; see
  // joined_sandbox.cc). From `spec` only the process is used (args, env, cwd, uid, gid, groups,
  // seccomp); its rootfs is ignored. The interface is the same as for Start(), but the command is not
  // PID 1: it is killed when this object is destroyed unwaited, and dies with the container.
  static StatusOr<std::unique_ptr<AttachedSandbox>> Join(int target_pidfd, const ExecSpec& spec,
                                                          const AttachedStdio& stdio);
  ~AttachedSandbox();
  AttachedSandbox(const AttachedSandbox&) = delete;
  AttachedSandbox& operator=(const AttachedSandbox&) = delete;

  // Readable (poll) once the command has exited: then call Wait().
  int exit_fd() const;
  // Readable when the sandbox reported something (or closed the pipe): then call ReadMessages().
  int sync_fd() const;
  bool sync_open() const { return sync_open_; }
  Status ReadMessages();
  // A setup step reported an error (the command will not run; Wait() says why). Final once the sync
  // pipe is closed (sync_open() false): then the command has been executed, or has failed to.
  bool setup_failed() const;

  // The command's PID in this process's PID namespace.
  int64_t pid() const;

  // Sends `signal` to the command (PID 1 of the container). Thread-safe; a no-op once it has been reaped.
  Status Signal(int signal);

  // Waits for the command, removes the mount targets made for it and returns how it ended. Errors:
  // a setup step failed before the command ran: kNotFound when the command is not in the container's
  // PATH (docker's 127), kPermissionDenied when it could not be executed (126), else kFailedPrecondition.
  StatusOr<ExecResult> Wait();

  struct State;

 private:
  explicit AttachedSandbox(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
  bool sync_open_ = true;
};

}  // namespace mybuild::executor

#endif  // MYBUILD_EXECUTOR_ATTACHED_SANDBOX_H_

#include "src/engine/container_exec.h"

#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "snapshotter/rootfs.h"
#include "src/base/unique_fd.h"
#include "src/engine/container_pin.h"
#include "src/engine/container_sandbox_spec.h"
#include "src/executor/attached_sandbox.h"

namespace mybuild::engine {

StatusOr<std::unique_ptr<ContainerExec>> ContainerExec::Create(ContainerStore& store, StdioOptions caller) {
  MB_ASSIGN_OR_RETURN(std::unique_ptr<SignalInbox> inbox, SignalInbox::Create());
  return std::unique_ptr<ContainerExec>(new ContainerExec(store, caller, std::move(inbox)));
}

StatusOr<ExecResult> ContainerExec::Run(const std::string& id, const ExecFlags& flags, const LookupEnv& lookup) {
  if (flags.command.empty()) return InvalidArgument("exec needs a command to run in the container");
  if (flags.workdir && (flags.workdir->empty() || (*flags.workdir)[0] != '/')) {
    return InvalidArgument("-w \"" + *flags.workdir + "\": the working directory must be an absolute path");
  }
  MB_ASSIGN_OR_RETURN(std::vector<std::string> extra_env, ResolveEnvFlags(flags.env, {}, lookup));
  ContainerRecord record;
  MB_ASSIGN_OR_RETURN(UniqueFd pidfd, PinRunningContainer(store_, id, record));

  // The container's files as its processes see them (mounts included), through its PID 1's root; the
  // pidfd checked afterwards makes sure that PID was still the container's.
  const std::string root_path = "/proc/" + std::to_string(record.state.pid) + "/root";
  MB_ASSIGN_OR_RETURN(snapshotter::RootFs root, snapshotter::RootFs::Open(std::filesystem::path(root_path), false, std::string("the container")));
  if (!PidfdAlive(pidfd.get())) return FailedPrecondition("container " + id.substr(0, 12) + " is not running");
  const std::string user = flags.user ? *flags.user : record.settings.process.user;
  MB_ASSIGN_OR_RETURN(snapshotter::ResolvedUser resolved, ResolveContainerUser(root, user));

  executor::ExecSpec spec;
  spec.args = flags.command;
  std::vector<std::string> env = record.settings.process.env;
  for (const std::string& entry : extra_env) SetEnv(env, entry);
  spec.env = WithHome(std::move(env), resolved.home);
  spec.cwd = flags.workdir ? *flags.workdir : record.settings.process.workdir;
  spec.uid = resolved.uid;
  spec.gid = resolved.gid;
  spec.additional_gids = resolved.additional_gids;

  StdioOptions stdio = caller_;
  stdio.interactive = flags.interactive;
  stdio.tty = flags.tty;
  MB_ASSIGN_OR_RETURN(std::unique_ptr<StdioRelay> relay, StdioRelay::Create(stdio));
  if (inbox_->TakeTermination()) return Cancelled("interrupted before the process started");
  MB_ASSIGN_OR_RETURN(std::unique_ptr<executor::AttachedSandbox> process,
                      executor::AttachedSandbox::Join(pidfd.get(), spec, relay->container_side()));
  relay->CloseContainerSide();
  AttachPolicy policy{true, record.settings.stop_timeout_seconds, SIGTERM};
  MB_RETURN_IF_ERROR(RunAttachLoop(*process, *relay, *inbox_, policy));
  StatusOr<executor::ExecResult> ended = process->Wait();
  relay.reset();  // the caller's terminal back to its mode
  ExecResult result;
  if (ended.ok()) {
    result.exit_code = ended->exit_code;
  } else {
    result.start_error = ended.status();
    result.exit_code = ExitCodeOfStartError(ended.status());
  }
  return result;
}

}  // namespace mybuild::engine

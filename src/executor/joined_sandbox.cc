// A process joining a running container (`exec`): CloneJoined() of sandbox_launch.h.
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "src/executor/command_confinement.h"
#include "src/executor/sandbox_launch.h"

namespace mybuild::executor::internal {
namespace {

// The namespaces a container's processes share besides its PID namespace (no user namespace: the
// container has none). A container on the host network has the host's, which setns accepts as well.
constexpr int kJoinedNamespaces = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWCGROUP;

// The clone child: single-threaded, but the parent may not be (no allocation, no locks).
[[noreturn]] void RunJoined(int target_pidfd, const SandboxPlan& plan) {
  ChildReporter report(plan.sync_fd);
  // Before RedirectChildFds closes the pidfd. Joining the mount namespace also moves the root and the
  // working directory to the container's root (its pivot_root'ed rootfs).
  if (setns(target_pidfd, kJoinedNamespaces) < 0) report.Fail(SetupStep::kJoinNamespaces, "setns", "", 127);
  RedirectChildFds(plan, report);
  // An exec never outlives the mybuild process that waits for it.
  if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0) report.Fail(SetupStep::kParentDeathSignal, "prctl", "", 127);
  ConfineAndExec(plan, report);
}

}  // namespace

StatusOr<UniqueFd> CloneJoined(int target_pidfd, const PreparedStep& step) {
  // setns(CLONE_NEWPID) moves only this thread's children, and only until it is undone below.
  UniqueFd own(open("/proc/thread-self/ns/pid", O_RDONLY | O_CLOEXEC));
  if (!own.valid()) return ErrnoError("open /proc/thread-self/ns/pid");
  if (setns(target_pidfd, CLONE_NEWPID) < 0) return ErrnoError("setns(the container's PID namespace)");
  clone_args args{};
  int pidfd = -1;
  args.flags = CLONE_PIDFD;
  args.pidfd = reinterpret_cast<uint64_t>(&pidfd);
  args.exit_signal = SIGCHLD;
  long pid = syscall(SYS_clone3, &args, sizeof args);
  if (pid == 0) RunJoined(target_pidfd, step.plan);
  int clone_error = errno;
  if (setns(own.get(), CLONE_NEWPID) < 0) {
    // This thread's later children would land in the container: nothing sane can continue.
    if (pid > 0) syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, nullptr, 0);
    return ErrnoError("setns(back to mybuild's PID namespace)");
  }
  if (pid < 0) return ErrnoError("clone3 (exec in the container)", clone_error);
  return UniqueFd(pidfd);
}

}  // namespace mybuild::executor::internal

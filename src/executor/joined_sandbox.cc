// A process joining a running container (`exec`): CloneJoined() of sandbox_launch.h.
#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string>
#include <utility>
#include <future>
#include <thread>

#include "src/base/files.h"
#include "src/executor/command_confinement.h"
#include "src/executor/sandbox_launch.h"

namespace mybuild::executor::internal {
namespace {

// The namespaces a container's processes share besides its PID namespace (no user namespace: the
// container has none). A container on the host network has the host's, which setns accepts as well.
constexpr int kJoinedNamespaces = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWCGROUP;

// Of kJoinedNamespaces, those in which the process of `pidfd` is not already with this one (a container
// on the host network shares the host's: a rootless mybuild, in a user namespace of its own, may not
// enter that one again, the kernel asks for CAP_SYS_ADMIN over the host).
int NamespacesToJoin(int pidfd) {
  int pid = 0;
  if (StatusOr<std::string> info = ReadFile("/proc/self/fdinfo/" + std::to_string(pidfd), 4096); info.ok()) {
    const size_t at = info->find("\nPid:");
    if (at != std::string::npos) pid = std::atoi(info->c_str() + at + 5);
  }
  if (pid <= 0) return kJoinedNamespaces;
  const std::pair<int, const char*> kinds[] = {
      {CLONE_NEWNS, "mnt"}, {CLONE_NEWUTS, "uts"}, {CLONE_NEWIPC, "ipc"}, {CLONE_NEWNET, "net"}, {CLONE_NEWCGROUP, "cgroup"}};
  int flags = 0;
  for (const auto& [flag, name] : kinds) {
    struct stat own {}, target {};
    const std::string theirs = "/proc/" + std::to_string(pid) + "/ns/" + name;
    const std::string ours = std::string("/proc/self/ns/") + name;
    if (::stat(ours.c_str(), &own) != 0 || ::stat(theirs.c_str(), &target) != 0 || own.st_ino != target.st_ino ||
        own.st_dev != target.st_dev) {
      flags |= flag;
    }
  }
  return flags;
}

// The clone child: single-threaded, but the parent may not be (no allocation, no locks).
[[noreturn]] void RunJoined(int target_pidfd, int namespaces, const SandboxPlan& plan) {
  ChildReporter report(plan.sync_fd);
  // Before RedirectChildFds closes the pidfd. Joining the mount namespace also moves the root and the
  // working directory to the container's root (its pivot_root'ed rootfs).
  if (setns(target_pidfd, namespaces) < 0) report.Fail(SetupStep::kJoinNamespaces, "setns", "", 127);
  RedirectChildFds(plan, report);
  // An exec never outlives the mybuild process that waits for it.
  if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0) report.Fail(SetupStep::kParentDeathSignal, "prctl", "", 127);
  ConfineAndExec(plan, report);
}

// clone3 of the joined process, which lands in this thread's PID namespace for children; the child runs
// RunJoined(), the parent gets its pid (-1 with errno on failure) and `pidfd`.
long ForkJoined(int target_pidfd, int namespaces, const SandboxPlan& plan, int& pidfd) {
  clone_args args{};
  args.flags = CLONE_PIDFD;
  args.pidfd = reinterpret_cast<uint64_t>(&pidfd);
  args.exit_signal = SIGCHLD;
  const long pid = syscall(SYS_clone3, &args, sizeof args);
  if (pid == 0) RunJoined(target_pidfd, namespaces, plan);
  return pid;
}

// clone3 of the joined process from a thread of its own, for a mybuild that may not come back to its PID
// namespace after entering the container's (rootless: the host's belongs to the initial user namespace).
// The thread lives until the process has ended: it is the process's parent, whose end would send it
// PR_SET_PDEATHSIG.
StatusOr<UniqueFd> CloneJoinedOnThread(int target_pidfd, const PreparedStep& step) {
  std::promise<StatusOr<UniqueFd>> promise;
  std::future<StatusOr<UniqueFd>> future = promise.get_future();
  const int namespaces = NamespacesToJoin(target_pidfd);
  std::thread([target_pidfd, namespaces, &step, promise = std::move(promise)]() mutable {
    if (setns(target_pidfd, CLONE_NEWPID) < 0) {
      promise.set_value(ErrnoError("setns(the container's PID namespace)"));
      return;
    }
    int pidfd = -1;
    const long pid = ForkJoined(target_pidfd, namespaces, step.plan, pidfd);
    if (pid < 0) {
      promise.set_value(ErrnoError("clone3 (exec in the container)"));
      return;
    }
    UniqueFd watch(dup(pidfd));
    promise.set_value(UniqueFd(pidfd));
    pollfd ended{watch.get(), POLLIN, 0};
    while (watch && poll(&ended, 1, -1) < 0 && errno == EINTR) {
    }
  }).detach();
  return future.get();
}

}  // namespace

StatusOr<UniqueFd> CloneJoined(int target_pidfd, const PreparedStep& step) {
  // setns(CLONE_NEWPID) moves only this thread's children, and only until it is undone below.
  UniqueFd own(open("/proc/thread-self/ns/pid", O_RDONLY | O_CLOEXEC));
  if (!own.valid()) return ErrnoError("open /proc/thread-self/ns/pid");
  // Entering its own PID namespace again (a no-op) tells whether this process could come back from the
  // container's: not in a user namespace of its own.
  if (setns(own.get(), CLONE_NEWPID) < 0) {
    if (errno == EPERM) return CloneJoinedOnThread(target_pidfd, step);
    return ErrnoError("setns(mybuild's own PID namespace)");
  }
  const int namespaces = NamespacesToJoin(target_pidfd);
  if (setns(target_pidfd, CLONE_NEWPID) < 0) return ErrnoError("setns(the container's PID namespace)");
  int pidfd = -1;
  const long pid = ForkJoined(target_pidfd, namespaces, step.plan, pidfd);
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

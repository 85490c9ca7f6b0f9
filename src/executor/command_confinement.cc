#include "src/executor/command_confinement.h"

#include <fcntl.h>
#include <linux/capability.h>
#include <linux/close_range.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mybuild::executor {
namespace {

int SysCloseRange(unsigned first, unsigned last, unsigned flags) {
  return static_cast<int>(syscall(SYS_close_range, first, last, flags));
}

void ResetSignals() {
  sigset_t empty;
  sigemptyset(&empty);
  sigprocmask(SIG_SETMASK, &empty, nullptr);
  struct sigaction action {};
  action.sa_handler = SIG_DFL;
  for (int signal_number = 1; signal_number < NSIG; ++signal_number) {
    if (signal_number == SIGKILL || signal_number == SIGSTOP) continue;
    sigaction(signal_number, &action, nullptr);  // fails harmlessly for glibc's reserved signals
  }
}

void DropBoundingSet(ChildReporter& report) {
  for (int cap = 0; cap < 64; ++cap) {
    if ((kDefaultCapabilities >> cap) & 1) continue;
    if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL) {
      report.Fail(SetupStep::kBoundingSet, "prctl(PR_CAPBSET_DROP)", "", 127);
    }
  }
}

void SetCapabilities(const SandboxPlan& plan, ChildReporter& report) {
  __user_cap_header_struct header{};
  header.version = _LINUX_CAPABILITY_VERSION_3;
  __user_cap_data_struct data[2]{};
  if (plan.uid == 0) {
    data[0].effective = data[0].permitted = static_cast<uint32_t>(kDefaultCapabilities);
    data[1].effective = data[1].permitted = static_cast<uint32_t>(kDefaultCapabilities >> 32);
  }
  if (syscall(SYS_capset, &header, data) < 0) report.Fail(SetupStep::kCapabilities, "capset", "", 127);
}

void InstallSeccomp(const SandboxPlan& plan, ChildReporter& report) {
  if (plan.seccomp_filter == nullptr) return;
  sock_fprog program{plan.seccomp_length, const_cast<sock_filter*>(plan.seccomp_filter)};
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &program) < 0) {
    report.Fail(SetupStep::kSeccomp, "seccomp(SECCOMP_SET_MODE_FILTER)", "", 127);
  }
}

// execvp() semantics, but searching the container's PATH (glibc's execvpe reads our own PATH).
[[noreturn]] void Exec(const SandboxPlan& plan, ChildReporter& report) {
  const char* file = plan.argv[0];
  if (strchr(file, '/') != nullptr) {
    execve(file, plan.argv, plan.envp);
    report.Fail(SetupStep::kExec, "execve", file, 127);
  }
  bool denied = false;
  char candidate[4096];
  const char* rest = plan.search_path;
  for (;;) {
    const char* end = strchr(rest, ':');
    size_t length = end != nullptr ? static_cast<size_t>(end - rest) : strlen(rest);
    if (length + strlen(file) + 2 < sizeof candidate) {
      size_t n = 0;
      if (length == 0) {
        candidate[n++] = '.';
      } else {
        memcpy(candidate, rest, length);
        n = length;
      }
      candidate[n++] = '/';
      CopyString(candidate + n, sizeof candidate - n, file);
      execve(candidate, plan.argv, plan.envp);
      if (errno == EACCES) {
        denied = true;
      } else if (errno != ENOENT && errno != ENOTDIR && errno != ELOOP && errno != ENAMETOOLONG) {
        report.Fail(SetupStep::kExec, "execve", candidate, 127);
      }
    }
    if (end == nullptr) break;
    rest = end + 1;
  }
  errno = denied ? EACCES : ENOENT;
  report.Fail(SetupStep::kExec, "execvp", file, 127);
}

}  // namespace

void RedirectChildFds(const SandboxPlan& plan, ChildReporter& report) {
  const int sources[4] = {plan.stdin_fd, plan.stdout_fd, plan.stderr_fd, plan.sync_fd};
  int copies[4];
  // Copies above 3 first, so that no dup3() below overwrites a source still needed.
  for (int i = 0; i < 4; ++i) {
    copies[i] = fcntl(sources[i], F_DUPFD_CLOEXEC, 4);
    if (copies[i] < 0) report.Fail(SetupStep::kRedirectFds, "fcntl(F_DUPFD)", "");
  }
  for (int i = 0; i < 4; ++i) {
    if (dup3(copies[i], i, 0) < 0) report.Fail(SetupStep::kRedirectFds, "dup3", "");
  }
  report.set_sync_fd(3);
  if (SysCloseRange(4, ~0U, 0) < 0) report.Fail(SetupStep::kRedirectFds, "close_range", "");
  // The command's copy of the sync pipe closes at exec, so that the parent sees EOF.
  if (fcntl(3, F_SETFD, FD_CLOEXEC) < 0) report.Fail(SetupStep::kRedirectFds, "fcntl(F_SETFD)", "");
  umask(022);
}

void ConfineAndExec(const SandboxPlan& plan, ChildReporter& report) {
  // The parent's blocked and ignored signals survive exec: the command must start with defaults.
  ResetSignals();
  if (setsid() < 0) report.Fail(SetupStep::kSession, "setsid", "", 127);
  // The new session has no terminal yet: its leader takes the one on stdin.
  if (plan.controlling_terminal && ioctl(0, TIOCSCTTY, 0) < 0) {
    report.Fail(SetupStep::kControllingTerminal, "ioctl(TIOCSCTTY)", "", 127);
  }
  // While still root with every capability: raising a hard limit needs CAP_SYS_RESOURCE.
  for (size_t i = 0; i < plan.rlimit_count; ++i) {
    struct rlimit64 limit {plan.rlimits[i].soft, plan.rlimits[i].hard};
    if (syscall(SYS_prlimit64, 0, plan.rlimits[i].resource, &limit, nullptr) < 0) {
      report.Fail(SetupStep::kRlimits, "prlimit64", "", 127);
    }
  }
  // Any time before exec; it also means setuid binaries in the image cannot gain privileges.
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) report.Fail(SetupStep::kNoNewPrivs, "prctl", "", 127);
  // Before setresuid: dropping from the bounding set needs CAP_SETPCAP.
  DropBoundingSet(report);
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0) {
    report.Fail(SetupStep::kAmbientCaps, "prctl(PR_CAP_AMBIENT)", "", 127);
  }
  // As root, like runc: a WORKDIR the user cannot search still works.
  if (chdir(plan.cwd) < 0) report.Fail(SetupStep::kChdir, "chdir", plan.cwd, 127);
  // Groups, then gid, then uid: the first two need CAP_SETGID, which a non-root uid no longer has.
  // Raw system calls: glibc's wrappers signal every thread it believes the process has (all the
  // parent's threads, which do not exist here) and would wait for them forever.
  if (!plan.single_id_namespace && syscall(SYS_setgroups, plan.group_count, plan.groups) < 0) {
    report.Fail(SetupStep::kGroups, "setgroups", "", 127);
  }
  if (syscall(SYS_setresgid, plan.gid, plan.gid, plan.gid) < 0) report.Fail(SetupStep::kGid, "setresgid", "", 127);
  if (syscall(SYS_setresuid, plan.uid, plan.uid, plan.uid) < 0) report.Fail(SetupStep::kUid, "setresuid", "", 127);
  // After setresuid: a non-root uid has lost its capabilities already; root keeps the default set.
  SetCapabilities(plan, report);
  // Last restriction before exec: the filter need not allow any of the setup calls above.
  InstallSeccomp(plan, report);
  // Close-on-exec instead of closing: the sync pipe must stay usable to report a failed exec.
  if (SysCloseRange(3, ~0U, CLOSE_RANGE_CLOEXEC) < 0) report.Fail(SetupStep::kCloseFds, "close_range", "", 127);
  Exec(plan, report);
}

}  // namespace mybuild::executor

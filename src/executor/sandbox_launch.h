// The parts of a sandbox launch shared by the RUN executor (namespace_executor.cc) and the attached mode
// of containers (attached_sandbox.cc): the SandboxPlan prepared from an ExecSpec, the clone3() into the
// new namespaces, the init process as an owned resource, and the error a failed setup step reports.
// Internal to the executor module.
#ifndef MYBUILD_EXECUTOR_SANDBOX_LAUNCH_H_
#define MYBUILD_EXECUTOR_SANDBOX_LAUNCH_H_

#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "src/base/status.h"
#include "src/base/temp_dir.h"
#include "src/base/unique_fd.h"
#include "src/executor/executor.h"
#include "src/executor/sandbox_init.h"
#include "src/executor/step_cgroup.h"
#include "src/executor/sync_protocol.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

namespace mybuild::executor::internal {

inline constexpr size_t kMaxPathLength = kMessagePathSize - 1;

bool HasNul(const std::string& text);

// Normalises an absolute container path: "/a/./b/" → "/a/b". With allow_dotdot, ".." is resolved
// lexically (it stops at the root, as inside the container); without, it is refused.
StatusOr<std::string> ContainerPath(const std::string& path, const char* what, bool allow_dotdot);

struct Pipe {
  UniqueFd read;
  UniqueFd write;
};

// A close-on-exec pipe.
StatusOr<Pipe> MakePipe();

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
  std::string shm_tmpfs_options;
  std::vector<PlanRlimit> rlimits;
  std::optional<StepCgroup> cgroup;  // when the spec asks for cgroup limits; removed after the sandbox
  SandboxPlan plan;
};

// Fills the process's part of `step` (and its plan) from `spec`: rootfs, argv, environment with PATH,
// working directory, uid, gid, groups, seccomp. (All an `exec` into a running container needs.)
Status PrepareProcess(const ExecSpec& spec, PreparedStep& step);

// Fills `step` (and its plan) from `spec`: PrepareProcess(), then the state directory
// (under `state_dir`) with the hostname, resolv.conf and hosts files, the extra mounts.
Status Prepare(const ExecSpec& spec, const std::filesystem::path& state_dir, PreparedStep& step);

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

  int pidfd() const { return pidfd_.get(); }

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

// clone3() into new mount, PID, UTS, IPC and cgroup namespaces (and network, for Network::kNone), into
// the step's cgroup when it has one; the child runs RunSandboxInit(step.plan). The plan's fds must be set. kPermissionDenied when namespaces
// are refused.
StatusOr<UniqueFd> CloneSandbox(const ExecSpec& spec, const PreparedStep& step);

// clone3() into the namespaces of the running process `target_pidfd` (a container's PID 1): its PID
// namespace (set for this thread's children just for the clone), then in the child its mount, UTS, IPC,
// network and cgroup namespaces (setns on the pidfd); the child then runs the command confined as the
// container's own (command_confinement.h). It dies with this thread (PR_SET_PDEATHSIG). The plan's fds
// must be set.
StatusOr<UniqueFd> CloneJoined(int target_pidfd, const PreparedStep& step);

// The error a kError message reports: kNotFound for a command not in the container's PATH, else
// kFailedPrecondition naming the step, the syscall and the path.
Status SetupError(const ChildMessage& message);

}  // namespace mybuild::executor::internal

#endif  // MYBUILD_EXECUTOR_SANDBOX_LAUNCH_H_

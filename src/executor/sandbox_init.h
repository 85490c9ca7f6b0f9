// The code that runs inside the new namespaces, between clone3() and execve().
//
// The parent may be multi-threaded, so the clone child must not allocate or take locks: everything it
// needs is prepared by the parent as plain C data (SandboxPlan) before the clone, and the child makes
// only system calls (through syscall(2) where glibc's wrapper would coordinate with other threads,
// such as setresuid/setgroups, which would otherwise wait forever for the parent's threads). RunSandboxInit() is PID 1 of the step's PID namespace: it sets up the mounts, forks
// the command process, reaps every process of the namespace, and reports the command's status.
#ifndef MYBUILD_EXECUTOR_SANDBOX_INIT_H_
#define MYBUILD_EXECUTOR_SANDBOX_INIT_H_

#include <linux/filter.h>
#include <sys/types.h>

#include <cstddef>
#include <cstdint>

namespace mybuild::executor {

struct PlanMount {
  bool is_tmpfs = false;
  bool is_file = false;          // a file made on the step's private tmpfs (SandboxPlan::files_dir)
  const char* source = nullptr;  // bind: host path
  const char* target = nullptr;  // absolute container path
  bool target_is_dir = true;     // bind: what to create when the target is missing
  bool read_only = false;
  bool executable = false;  // bind, read_only: its programs may run (no noexec), e.g. the --init program
  const char* tmpfs_options = nullptr;  // tmpfs: mount data, e.g. "size=1048576"
  const char* contents = nullptr;       // file: its bytes
  size_t content_size = 0;
  mode_t file_mode = 0400;
  uid_t file_uid = 0;
  gid_t file_gid = 0;
  const char* file_name = nullptr;      // file: its name in files_dir
};

// A resource limit set in the command process before exec (--ulimit).
struct PlanRlimit {
  int resource = 0;
  uint64_t soft = 0;
  uint64_t hard = 0;
};

// The standard device nodes bound from the host into the fresh /dev.
inline constexpr const char* kDeviceNodes[] = {"null", "zero", "full", "random", "urandom", "tty"};
inline constexpr size_t kDeviceNodeCount = sizeof(kDeviceNodes) / sizeof(kDeviceNodes[0]);

// The default capability bounding set of Docker/BuildKit: CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL,
// SETGID, SETUID, SETPCAP, NET_BIND_SERVICE, NET_RAW, SYS_CHROOT, MKNOD, AUDIT_WRITE, SETFCAP.
inline constexpr uint64_t kDefaultCapabilities = 0xa80425fbull;

struct SandboxPlan {
  const char* rootfs = nullptr;  // host path
  char* const* argv = nullptr;   // NULL-terminated
  char* const* envp = nullptr;   // NULL-terminated, contains PATH
  const char* search_path = nullptr;  // the PATH value used to find argv[0]
  const char* cwd = nullptr;
  uid_t uid = 0;
  gid_t gid = 0;
  const gid_t* groups = nullptr;  // supplementary groups, gid included
  size_t group_count = 0;
  const char* hostname = nullptr;
  bool loopback_only = false;        // a new network namespace: bring up lo
  const char* resolv_conf = nullptr;  // host file to bind over /etc/resolv.conf, or null
  const char* hosts = nullptr;        // host file to bind over /etc/hosts, or null
  const char* hostname_file = nullptr;  // host file to bind over /etc/hostname, or null
  // When a mount is_file: an empty host directory (inside the step's 0700 state directory) over which
  // init mounts a tmpfs with these options, in its own mount namespace only, to make the files on.
  const char* files_dir = nullptr;
  const char* files_tmpfs_options = nullptr;
  const PlanMount* mounts = nullptr;
  size_t mount_count = 0;
  int* mount_tree_fds = nullptr;  // scratch array of mount_count entries, filled by the child
  const sock_filter* seccomp_filter = nullptr;  // null = no filter
  const char* shm_tmpfs_options = nullptr;      // the /dev/shm tmpfs: "mode=1777,size=67108864"
  // A user namespace that maps only one id (rootless without a subordinate range, user_namespace.h):
  // setgroups(2) is denied there, so the groups stay as they are, and /dev/pts cannot be given gid 5.
  bool single_id_namespace = false;
  const PlanRlimit* rlimits = nullptr;
  size_t rlimit_count = 0;
  // Containers (attached_sandbox.h): the command itself becomes PID 1, as in docker (no fork, no
  // reaper: the parent's waitid on init is the command's status); stdin is a terminal that becomes the
  // controlling terminal of the command's session; the root mount is made read-only after every mount
  // target has been created.
  bool command_is_init = false;
  bool controlling_terminal = false;
  bool read_only_rootfs = false;
  unsigned short seccomp_length = 0;

  // Parent fds that become the sandbox's 0, 1, 2 and the sync pipe.
  int stdin_fd = -1;
  int stdout_fd = -1;
  int stderr_fd = -1;
  int sync_fd = -1;
};

// Never returns. Exits 0 after reporting the command's status, 1 after reporting a setup error (with
// command_is_init: execs the command, or exits 127 after reporting the error).
[[noreturn]] void RunSandboxInit(const SandboxPlan& plan);

}  // namespace mybuild::executor

#endif  // MYBUILD_EXECUTOR_SANDBOX_INIT_H_

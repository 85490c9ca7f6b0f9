// The sandbox side of a RUN step. Runs in the clone3() child: no allocation, no locks, system calls only
// (see sandbox_init.h). glibc 2.36 lacks usable wrappers for the new mount API and its <sys/mount.h>
// clashes with <linux/mount.h>, so mount calls go through syscall(2).
#include "src/executor/sandbox_init.h"

#include <fcntl.h>
#include <grp.h>
#include <linux/mount.h>
#include <net/if.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <initializer_list>

#include "src/executor/child_report.h"
#include "src/executor/command_confinement.h"
#include "src/executor/sync_protocol.h"

namespace mybuild::executor {
namespace {

// --- system calls --------------------------------------------------------------------------------

int SysMount(const char* source, const char* target, const char* type, unsigned long flags, const void* data) {
  return static_cast<int>(syscall(SYS_mount, source, target, type, flags, data));
}
int SysUmount2(const char* target, int flags) { return static_cast<int>(syscall(SYS_umount2, target, flags)); }
int SysPivotRoot(const char* new_root, const char* put_old) {
  return static_cast<int>(syscall(SYS_pivot_root, new_root, put_old));
}
int SysOpenTree(int dfd, const char* path, unsigned flags) {
  return static_cast<int>(syscall(SYS_open_tree, dfd, path, flags));
}
int SysMoveMount(int from_dfd, const char* from_path, int to_dfd, const char* to_path, unsigned flags) {
  return static_cast<int>(syscall(SYS_move_mount, from_dfd, from_path, to_dfd, to_path, flags));
}
int SysMountSetattr(int dfd, const char* path, unsigned flags, uint64_t attr_set) {
  mount_attr attr{};
  attr.attr_set = attr_set;
  return static_cast<int>(syscall(SYS_mount_setattr, dfd, path, flags, &attr, sizeof attr));
}
int SysFsopen(const char* fs, unsigned flags) { return static_cast<int>(syscall(SYS_fsopen, fs, flags)); }
int SysFsconfig(int fd, unsigned cmd, const char* key, const void* value, int aux) {
  return static_cast<int>(syscall(SYS_fsconfig, fd, cmd, key, value, aux));
}
int SysFsmount(int fd, unsigned flags, unsigned attrs) {
  return static_cast<int>(syscall(SYS_fsmount, fd, flags, attrs));
}
// fork() without glibc's atfork handlers, which may take locks held by the parent's other threads.
pid_t SysFork() { return static_cast<pid_t>(syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0)); }

// From <sys/mount.h>, which cannot be included beside <linux/mount.h> with glibc 2.36.
constexpr int kMntDetach = 2;

constexpr uint64_t kReadOnlyAttrs = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;

// Paths hidden from the command (as runc's defaults): files get /dev/null, directories an empty tmpfs.
constexpr const char* kMaskedPaths[] = {
    "/proc/acpi",        "/proc/asound",    "/proc/interrupts", "/proc/kcore", "/proc/keys",
    "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
    "/sys/firmware",     "/sys/devices/virtual/powercap",
};
// Paths made read-only: writing them as root would change the host kernel.
constexpr const char* kReadOnlyPaths[] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"};

// dst = a + b (+ c), truncated to size.
void JoinStrings(char* dst, size_t size, const char* a, const char* b, const char* c = "") {
  size_t n = 0;
  for (const char* part : {a, b, c}) {
    for (size_t i = 0; part[i] != '\0' && n + 1 < size; ++i) dst[n++] = part[i];
  }
  dst[n] = '\0';
}

class SandboxInit {
 public:
  explicit SandboxInit(const SandboxPlan& plan) : plan_(plan), report_(plan.sync_fd) {}

  // PID 1 of the sandbox. Each step exits through Fail() on error.
  [[noreturn]] void Run() {
    // First: nothing may use or leak the parent's other descriptors.
    RedirectFds();
    // Early: an interrupted build must not leave a sandbox running.
    SetParentDeathSignal();
    // Before any mount: nothing mounted below may propagate to the host.
    MakeMountsPrivate();
    if (plan_.loopback_only) BringUpLoopback();
    SetHostname();
    // Before pivot_root: host device nodes, /sys and bind sources are only reachable now, and a new proc
    // can only be made while a fully visible one is in view.
    CloneHostMounts();
    // nodev on the rootfs: device nodes in the image must not work (only the ones we bind in /dev).
    BindRootfs();
    // After this, every path resolves inside the container: a symlink in the rootfs cannot reach the host.
    PivotRoot();
    MountProc();
    MountDev();
    MountSys();
    // After /proc, /sys and /dev/null exist: masking binds /dev/null over files.
    MaskPaths();
    MountEtcFiles();
    MountExtra();
    // Last mkdir as root: a WORKDIR below a mount target lands on the mounted filesystem.
    CreateWorkdir();
    // After the last mount target and the working directory exist; submounts keep their own flags.
    if (plan_.read_only_rootfs) MakeRootReadOnly();
    if (plan_.command_is_init) RunCommand();
    ForkCommand();
    Reap();
  }

 private:
  // --- reporting ---

  void Send(ChildMessage& message) { report_.Send(message); }
  [[noreturn]] void Fail(SetupStep step, const char* syscall_name, const char* path, int exit_code = 1) {
    report_.Fail(step, syscall_name, path, exit_code);
  }
  void ReportCreated(const char* path) { report_.ReportCreated(path); }

  // --- path helpers (after pivot_root: paths are container paths) ---

  void MakeDir(SetupStep step, const char* path, bool report) {
    if (mkdir(path, 0755) == 0) {
      if (report) ReportCreated(path);
    } else if (errno != EEXIST) {
      Fail(step, "mkdir", path);
    }
  }

  // Creates the missing directories above the last component of `path`.
  void MakeParents(SetupStep step, const char* path, bool report) {
    char buffer[kMessagePathSize];
    size_t length = strlen(path);
    if (length >= sizeof buffer) {
      errno = ENAMETOOLONG;
      Fail(step, "mkdir", path);
    }
    for (size_t i = 1; i < length; ++i) {
      if (path[i] != '/') continue;
      memcpy(buffer, path, i);
      buffer[i] = '\0';
      MakeDir(step, buffer, report);
    }
  }

  // Makes sure a mount target exists, reporting what it creates. Returns false when the target is a
  // dangling symlink (nothing can be mounted there).
  bool EnsureTarget(SetupStep step, const char* path, bool directory) {
    MakeParents(step, path, /*report=*/true);
    if (directory) {
      MakeDir(step, path, /*report=*/true);
      return true;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd >= 0) {
      close(fd);
      ReportCreated(path);
      return true;
    }
    if (errno != EEXIST) Fail(step, "open", path);
    struct stat st;
    if (stat(path, &st) == 0) return true;
    if (errno == ENOENT) return false;
    Fail(step, "stat", path);
  }

  // proc and sysfs go on an ordinary directory only, as runc requires: a symlink there (planted in a
  // layer) would move the mount elsewhere, or fail with an opaque EINVAL (move_mount does not follow it).
  void RequireDirectory(SetupStep step, const char* path) {
    struct stat st;
    if (lstat(path, &st) < 0) Fail(step, "lstat", path);
    if (!S_ISDIR(st.st_mode)) {
      errno = ENOTDIR;
      Fail(step, kNotADirectoryTarget, path);
    }
  }

  void Attach(SetupStep step, int& tree_fd, const char* target) {
    if (SysMoveMount(tree_fd, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) < 0) Fail(step, "move_mount", target);
    close(tree_fd);
    tree_fd = -1;
  }

  // A detached mount of a new `type` file system (fsopen, fsmount) with `attrs`; -1 where the kernel
  // refuses one.
  int NewFilesystem(const char* type, unsigned attrs) {
    int context = SysFsopen(type, FSOPEN_CLOEXEC);
    if (context < 0) return -1;
    int fd = -1;
    if (SysFsconfig(context, FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) == 0) fd = SysFsmount(context, FSMOUNT_CLOEXEC, attrs);
    close(context);
    return fd;
  }

  // `executable`: a read-only tree whose programs may run (not noexec).
  int CloneTree(const char* path, bool recursive, bool read_only, bool executable = false) {
    unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0);
    int fd = SysOpenTree(AT_FDCWD, path, flags);
    if (fd < 0) Fail(SetupStep::kCloneHostMounts, "open_tree", path);
    const uint64_t attrs = executable ? kReadOnlyAttrs & ~uint64_t{MOUNT_ATTR_NOEXEC} : kReadOnlyAttrs;
    if (read_only && SysMountSetattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, attrs) < 0) {
      Fail(SetupStep::kCloneHostMounts, "mount_setattr", path);
    }
    return fd;
  }

  // --- steps of init, in order ---

  void RedirectFds() { RedirectChildFds(plan_, report_); }

  void SetParentDeathSignal() {
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0) Fail(SetupStep::kParentDeathSignal, "prctl", "");
    // Init keeps every capability: the command must not read its /proc/1 files (the flag is not
    // inherited through the command's exec).
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) Fail(SetupStep::kParentDeathSignal, "prctl(PR_SET_DUMPABLE)", "");
  }

  void MakeMountsPrivate() {
    if (SysMount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) < 0) {
      Fail(SetupStep::kPrivateMounts, "mount(MS_PRIVATE)", "/");
    }
  }

  void BringUpLoopback() {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) Fail(SetupStep::kLoopback, "socket", "lo");
    ifreq request{};
    CopyString(request.ifr_name, sizeof request.ifr_name, "lo");
    if (ioctl(fd, SIOCGIFFLAGS, &request) < 0) Fail(SetupStep::kLoopback, "ioctl(SIOCGIFFLAGS)", "lo");
    request.ifr_flags |= IFF_UP | IFF_RUNNING;
    if (ioctl(fd, SIOCSIFFLAGS, &request) < 0) Fail(SetupStep::kLoopback, "ioctl(SIOCSIFFLAGS)", "lo");
    close(fd);
  }

  void SetHostname() {
    if (sethostname(plan_.hostname, strlen(plan_.hostname)) < 0) {
      Fail(SetupStep::kHostname, "sethostname", plan_.hostname);
    }
  }

  void CloneHostMounts() {
    char path[64];
    for (size_t i = 0; i < kDeviceNodeCount; ++i) {
      JoinStrings(path, sizeof path, "/dev/", kDeviceNodes[i]);
      device_fds_[i] = CloneTree(path, /*recursive=*/false, /*read_only=*/false);
    }
    // A new proc for the sandbox's PID namespace, made while the host's /proc is still in view: in a user
    // namespace the kernel mounts proc only where a fully visible one exists ("mount too revealing"),
    // which pivot_root removes. Attached at /proc after pivot_root (MountProc), so a symlink planted at
    // the rootfs's /proc never leads to a host path.
    proc_fd_ = NewFilesystem("proc", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
    // A new sysfs shows the step's network namespace; where the kernel refuses one, bind the host's.
    sys_fd_ = NewFilesystem("sysfs", MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
    if (sys_fd_ < 0) sys_fd_ = CloneTree("/sys", /*recursive=*/true, /*read_only=*/true);
    if (plan_.resolv_conf != nullptr) resolv_fd_ = CloneTree(plan_.resolv_conf, false, true);
    if (plan_.hosts != nullptr) hosts_fd_ = CloneTree(plan_.hosts, false, true);
    if (plan_.hostname_file != nullptr) hostname_fd_ = CloneTree(plan_.hostname_file, false, true);
    MakeFiles();
    for (size_t i = 0; i < plan_.mount_count; ++i) {
      const PlanMount& mount = plan_.mounts[i];
      if (mount.is_tmpfs || mount.is_file) continue;
      plan_.mount_tree_fds[i] = CloneTree(mount.source, true, mount.read_only, mount.executable);
    }
  }

  // File mounts (secrets): written on a tmpfs mounted over files_dir in this namespace only (the mounts
  // are private by now, so the host never sees it), each file cloned into its own read-only bind tree to
  // attach at its target later. pivot_root then detaches the tmpfs from view; the clones keep it alive
  // until the namespace ends. Nothing is written to a disk.
  void MakeFiles() {
    if (plan_.files_dir == nullptr) return;
    const SetupStep step = SetupStep::kCloneHostMounts;
    if (SysMount("tmpfs", plan_.files_dir, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, plan_.files_tmpfs_options) < 0) {
      Fail(step, "mount(tmpfs)", plan_.files_dir);
    }
    int dir = open(plan_.files_dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dir < 0) Fail(step, "open", plan_.files_dir);
    for (size_t i = 0; i < plan_.mount_count; ++i) {
      const PlanMount& mount = plan_.mounts[i];
      if (!mount.is_file) continue;
      int fd = openat(dir, mount.file_name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
      if (fd < 0) Fail(step, "openat", mount.file_name);
      size_t done = 0;
      while (done < mount.content_size) {
        ssize_t n = write(fd, mount.contents + done, mount.content_size - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) Fail(step, "write", mount.target);
        done += static_cast<size_t>(n);
      }
      // chown before chmod: chown clears the set-id bits that chmod may have to set.
      if (fchown(fd, mount.file_uid, mount.file_gid) < 0) Fail(step, "fchown", mount.target);
      if (fchmod(fd, mount.file_mode) < 0) Fail(step, "fchmod", mount.target);
      close(fd);
      int tree = SysOpenTree(dir, mount.file_name, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
      if (tree < 0) Fail(step, "open_tree", mount.target);
      if (SysMountSetattr(tree, "", AT_EMPTY_PATH, kReadOnlyAttrs) < 0) Fail(step, "mount_setattr", mount.target);
      plan_.mount_tree_fds[i] = tree;
    }
    close(dir);
  }

  void BindRootfs() {
    if (SysMount(plan_.rootfs, plan_.rootfs, nullptr, MS_BIND | MS_REC, nullptr) < 0) {
      Fail(SetupStep::kBindRootfs, "mount(MS_BIND)", plan_.rootfs);
    }
    if (SysMountSetattr(AT_FDCWD, plan_.rootfs, AT_RECURSIVE, MOUNT_ATTR_NODEV) < 0) {
      Fail(SetupStep::kBindRootfs, "mount_setattr(nodev)", plan_.rootfs);
    }
  }

  // pivot_root(".", ".") stacks the old root on the new one; detaching it leaves only the new root.
  void PivotRoot() {
    int old_root = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
    if (old_root < 0) Fail(SetupStep::kPivotRoot, "open", "/");
    int new_root = open(plan_.rootfs, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
    if (new_root < 0) Fail(SetupStep::kPivotRoot, "open", plan_.rootfs);
    if (fchdir(new_root) < 0) Fail(SetupStep::kPivotRoot, "fchdir", plan_.rootfs);
    if (SysPivotRoot(".", ".") < 0) Fail(SetupStep::kPivotRoot, "pivot_root", plan_.rootfs);
    if (fchdir(old_root) < 0) Fail(SetupStep::kPivotRoot, "fchdir", "old root");
    if (SysMount(nullptr, ".", nullptr, MS_SLAVE | MS_REC, nullptr) < 0) {
      Fail(SetupStep::kPivotRoot, "mount(MS_SLAVE)", "old root");
    }
    if (SysUmount2(".", kMntDetach) < 0) Fail(SetupStep::kPivotRoot, "umount2", "old root");
    if (chdir("/") < 0) Fail(SetupStep::kPivotRoot, "chdir", "/");
    close(old_root);
    close(new_root);
  }

  void MountProc() {
    EnsureTarget(SetupStep::kMountProc, "/proc", true);
    RequireDirectory(SetupStep::kMountProc, "/proc");
    if (proc_fd_ >= 0) {
      Attach(SetupStep::kMountProc, proc_fd_, "/proc");
      return;
    }
    if (SysMount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) < 0) {
      Fail(SetupStep::kMountProc, "mount(proc)", "/proc");
    }
  }

  void MountDev() {
    const SetupStep step = SetupStep::kMountDev;
    EnsureTarget(step, "/dev", true);
    if (SysMount("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k") < 0) {
      Fail(step, "mount(tmpfs)", "/dev");
    }
    char path[64];
    for (size_t i = 0; i < kDeviceNodeCount; ++i) {
      JoinStrings(path, sizeof path, "/dev/", kDeviceNodes[i]);
      int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
      if (fd < 0) Fail(step, "open", path);
      close(fd);
      Attach(step, device_fds_[i], path);
    }
    if (mkdir("/dev/pts", 0755) < 0) Fail(step, "mkdir", "/dev/pts");
    const char* devpts_options = plan_.single_id_namespace ? "newinstance,ptmxmode=0666,mode=0620"
                                                           : "newinstance,ptmxmode=0666,mode=0620,gid=5";
    if (SysMount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, devpts_options) < 0) {
      Fail(step, "mount(devpts)", "/dev/pts");
    }
    if (mkdir("/dev/shm", 01777) < 0) Fail(step, "mkdir", "/dev/shm");
    if (SysMount("shm", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, plan_.shm_tmpfs_options) < 0) {
      Fail(step, "mount(tmpfs)", "/dev/shm");
    }
    const char* const links[][2] = {{"/proc/self/fd", "/dev/fd"},     {"/proc/self/fd/0", "/dev/stdin"},
                                    {"/proc/self/fd/1", "/dev/stdout"}, {"/proc/self/fd/2", "/dev/stderr"},
                                    {"pts/ptmx", "/dev/ptmx"}};
    for (const auto& link : links) {
      if (symlink(link[0], link[1]) < 0) Fail(step, "symlink", link[1]);
    }
  }

  void MountSys() {
    EnsureTarget(SetupStep::kMountSys, "/sys", true);
    RequireDirectory(SetupStep::kMountSys, "/sys");
    Attach(SetupStep::kMountSys, sys_fd_, "/sys");
  }

  void MaskPaths() {
    const SetupStep step = SetupStep::kMaskPaths;
    struct stat st;
    for (const char* path : kMaskedPaths) {
      if (lstat(path, &st) < 0) continue;  // absent on this kernel: nothing to hide
      int result = S_ISDIR(st.st_mode) ? SysMount("tmpfs", path, "tmpfs", MS_RDONLY, "size=0")
                                       : SysMount("/dev/null", path, nullptr, MS_BIND, nullptr);
      if (result < 0) Fail(step, "mount", path);
    }
    for (const char* path : kReadOnlyPaths) {
      if (lstat(path, &st) < 0) continue;
      if (SysMount(path, path, nullptr, MS_BIND | MS_REC, nullptr) < 0) Fail(step, "mount(MS_BIND)", path);
      if (SysMountSetattr(AT_FDCWD, path, AT_RECURSIVE, kReadOnlyAttrs) < 0) Fail(step, "mount_setattr", path);
    }
  }

  void MountEtcFiles() {
    const SetupStep step = SetupStep::kMountEtcFiles;
    if (resolv_fd_ >= 0 && EnsureTarget(step, "/etc/resolv.conf", false)) Attach(step, resolv_fd_, "/etc/resolv.conf");
    if (hosts_fd_ >= 0 && EnsureTarget(step, "/etc/hosts", false)) Attach(step, hosts_fd_, "/etc/hosts");
    if (hostname_fd_ >= 0 && EnsureTarget(step, "/etc/hostname", false)) {
      Attach(step, hostname_fd_, "/etc/hostname");
    }
  }

  void MountExtra() {
    const SetupStep step = SetupStep::kExtraMounts;
    for (size_t i = 0; i < plan_.mount_count; ++i) {
      const PlanMount& mount = plan_.mounts[i];
      if (!EnsureTarget(step, mount.target, mount.target_is_dir)) {
        errno = ENOENT;
        Fail(step, "mount", mount.target);
      }
      if (!mount.is_tmpfs) {
        Attach(step, plan_.mount_tree_fds[i], mount.target);
        continue;
      }
      unsigned long flags = MS_NOSUID | MS_NODEV | (mount.read_only ? MS_RDONLY : 0);
      if (SysMount("tmpfs", mount.target, "tmpfs", flags, mount.tmpfs_options) < 0) {
        Fail(step, "mount(tmpfs)", mount.target);
      }
    }
  }

  void CreateWorkdir() {
    MakeParents(SetupStep::kWorkdir, plan_.cwd, /*report=*/false);
    MakeDir(SetupStep::kWorkdir, plan_.cwd, /*report=*/false);
  }

  void MakeRootReadOnly() {
    if (SysMountSetattr(AT_FDCWD, "/", 0, MOUNT_ATTR_RDONLY) < 0) Fail(SetupStep::kReadOnlyRoot, "mount_setattr", "/");
  }

  void ForkCommand() {
    command_pid_ = SysFork();
    if (command_pid_ < 0) Fail(SetupStep::kForkCommand, "clone", "");
    if (command_pid_ == 0) RunCommand();
  }

  // Reaps every process of the namespace (orphans are re-parented to us) until the command ends; then
  // exits, and the kernel kills whatever is left in the namespace.
  [[noreturn]] void Reap() {
    for (;;) {
      int status = 0;
      pid_t pid = waitpid(-1, &status, 0);
      if (pid == command_pid_) {
        ChildMessage message{};
        message.type = MessageType::kExited;
        message.wait_status = status;
        Send(message);
        _exit(0);
      }
      if (pid < 0 && errno != EINTR) Fail(SetupStep::kReap, "waitpid", "");
    }
  }

  // The command process (PID 2, or init itself for containers): command_confinement.h.
  [[noreturn]] void RunCommand() { ConfineAndExec(plan_, report_); }

  const SandboxPlan& plan_;
  ChildReporter report_;
  int device_fds_[kDeviceNodeCount] = {};
  int sys_fd_ = -1;
  int proc_fd_ = -1;
  int resolv_fd_ = -1;
  int hosts_fd_ = -1;
  int hostname_fd_ = -1;
  pid_t command_pid_ = -1;
};

}  // namespace

void RunSandboxInit(const SandboxPlan& plan) {
  SandboxInit init(plan);
  init.Run();
}

}  // namespace mybuild::executor

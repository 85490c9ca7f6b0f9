// The sandbox side of a RUN step. Runs in the clone3() child: no allocation, no locks, system calls only
// (see sandbox_init.h). glibc 2.36 lacks usable wrappers for the new mount API and its <sys/mount.h>
// clashes with <linux/mount.h>, so mount calls go through syscall(2).
#include "src/executor/sandbox_init.h"

#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/close_range.h>
#include <linux/mount.h>
#include <linux/seccomp.h>
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
int SysCloseRange(unsigned first, unsigned last, unsigned flags) {
  return static_cast<int>(syscall(SYS_close_range, first, last, flags));
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

void CopyString(char* dst, size_t size, const char* src) {
  size_t i = 0;
  for (; src != nullptr && src[i] != '\0' && i + 1 < size; ++i) dst[i] = src[i];
  dst[i] = '\0';
}

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
  explicit SandboxInit(const SandboxPlan& plan) : plan_(plan), sync_fd_(plan.sync_fd) {}

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
    // Before pivot_root: host device nodes, /sys and bind sources are only reachable now.
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

  void Send(ChildMessage& message) {
    ssize_t written;
    do {
      written = write(sync_fd_, &message, sizeof message);
    } while (written < 0 && errno == EINTR);
  }

  [[noreturn]] void Fail(SetupStep step, const char* syscall_name, const char* path, int exit_code = 1) {
    ChildMessage message{};
    message.type = MessageType::kError;
    message.step = step;
    message.err = errno;
    CopyString(message.syscall, sizeof message.syscall, syscall_name);
    CopyString(message.path, sizeof message.path, path);
    Send(message);
    _exit(exit_code);
  }

  void ReportCreated(const char* path) {
    ChildMessage message{};
    message.type = MessageType::kCreated;
    CopyString(message.path, sizeof message.path, path);
    Send(message);
  }

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

  int CloneTree(const char* path, bool recursive, bool read_only) {
    unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0);
    int fd = SysOpenTree(AT_FDCWD, path, flags);
    if (fd < 0) Fail(SetupStep::kCloneHostMounts, "open_tree", path);
    if (read_only && SysMountSetattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, kReadOnlyAttrs) < 0) {
      Fail(SetupStep::kCloneHostMounts, "mount_setattr", path);
    }
    return fd;
  }

  // --- steps of init, in order ---

  void RedirectFds() {
    const int sources[4] = {plan_.stdin_fd, plan_.stdout_fd, plan_.stderr_fd, plan_.sync_fd};
    int copies[4];
    // Copies above 3 first, so that no dup3() below overwrites a source still needed.
    for (int i = 0; i < 4; ++i) {
      copies[i] = fcntl(sources[i], F_DUPFD_CLOEXEC, 4);
      if (copies[i] < 0) Fail(SetupStep::kRedirectFds, "fcntl(F_DUPFD)", "");
    }
    for (int i = 0; i < 4; ++i) {
      if (dup3(copies[i], i, 0) < 0) Fail(SetupStep::kRedirectFds, "dup3", "");
    }
    sync_fd_ = 3;
    if (SysCloseRange(4, ~0U, 0) < 0) Fail(SetupStep::kRedirectFds, "close_range", "");
    // The command's copy of the sync pipe closes at exec, so that the parent sees EOF.
    if (fcntl(sync_fd_, F_SETFD, FD_CLOEXEC) < 0) Fail(SetupStep::kRedirectFds, "fcntl(F_SETFD)", "");
    umask(022);
  }

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
    // A new sysfs shows the step's network namespace; where the kernel refuses one, bind the host's.
    int context = SysFsopen("sysfs", FSOPEN_CLOEXEC);
    if (context >= 0 && SysFsconfig(context, FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) == 0) {
      sys_fd_ = SysFsmount(context, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
                                                         MOUNT_ATTR_NOEXEC);
    }
    if (context >= 0) close(context);
    if (sys_fd_ < 0) sys_fd_ = CloneTree("/sys", /*recursive=*/true, /*read_only=*/true);
    if (plan_.resolv_conf != nullptr) resolv_fd_ = CloneTree(plan_.resolv_conf, false, true);
    if (plan_.hosts != nullptr) hosts_fd_ = CloneTree(plan_.hosts, false, true);
    if (plan_.hostname_file != nullptr) hostname_fd_ = CloneTree(plan_.hostname_file, false, true);
    MakeFiles();
    for (size_t i = 0; i < plan_.mount_count; ++i) {
      const PlanMount& mount = plan_.mounts[i];
      if (mount.is_tmpfs || mount.is_file) continue;
      plan_.mount_tree_fds[i] = CloneTree(mount.source, true, mount.read_only);
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
    if (SysMount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
                 "newinstance,ptmxmode=0666,mode=0620,gid=5") < 0) {
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

  // --- the command process (PID 2), in order ---

  [[noreturn]] void RunCommand() {
    // The parent's blocked and ignored signals survive exec: the command must start with defaults.
    ResetSignals();
    if (setsid() < 0) Fail(SetupStep::kSession, "setsid", "", 127);
    // The new session has no terminal yet: its leader takes the one on stdin.
    if (plan_.controlling_terminal && ioctl(0, TIOCSCTTY, 0) < 0) {
      Fail(SetupStep::kControllingTerminal, "ioctl(TIOCSCTTY)", "", 127);
    }
    // While still root with every capability: raising a hard limit needs CAP_SYS_RESOURCE.
    SetRlimits();
    // Any time before exec; it also means setuid binaries in the image cannot gain privileges.
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) Fail(SetupStep::kNoNewPrivs, "prctl", "", 127);
    // Before setresuid: dropping from the bounding set needs CAP_SETPCAP.
    DropBoundingSet();
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0) {
      Fail(SetupStep::kAmbientCaps, "prctl(PR_CAP_AMBIENT)", "", 127);
    }
    // As root, like runc: a WORKDIR the user cannot search still works.
    if (chdir(plan_.cwd) < 0) Fail(SetupStep::kChdir, "chdir", plan_.cwd, 127);
    // Groups, then gid, then uid: the first two need CAP_SETGID, which a non-root uid no longer has.
    // Raw system calls: glibc's wrappers signal every thread it believes the process has (all the
    // parent's threads, which do not exist here) and would wait for them forever.
    if (syscall(SYS_setgroups, plan_.group_count, plan_.groups) < 0) Fail(SetupStep::kGroups, "setgroups", "", 127);
    if (syscall(SYS_setresgid, plan_.gid, plan_.gid, plan_.gid) < 0) Fail(SetupStep::kGid, "setresgid", "", 127);
    if (syscall(SYS_setresuid, plan_.uid, plan_.uid, plan_.uid) < 0) Fail(SetupStep::kUid, "setresuid", "", 127);
    // After setresuid: a non-root uid has lost its capabilities already; root keeps the default set.
    SetCapabilities();
    // Last restriction before exec: the filter need not allow any of the setup calls above.
    InstallSeccomp();
    // Close-on-exec instead of closing: the sync pipe must stay usable to report a failed exec.
    if (SysCloseRange(3, ~0U, CLOSE_RANGE_CLOEXEC) < 0) Fail(SetupStep::kCloseFds, "close_range", "", 127);
    Exec();
  }

  void SetRlimits() {
    for (size_t i = 0; i < plan_.rlimit_count; ++i) {
      struct rlimit64 limit {plan_.rlimits[i].soft, plan_.rlimits[i].hard};
      if (syscall(SYS_prlimit64, 0, plan_.rlimits[i].resource, &limit, nullptr) < 0) {
        Fail(SetupStep::kRlimits, "prlimit64", "", 127);
      }
    }
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

  void DropBoundingSet() {
    for (int cap = 0; cap < 64; ++cap) {
      if ((kDefaultCapabilities >> cap) & 1) continue;
      if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL) {
        Fail(SetupStep::kBoundingSet, "prctl(PR_CAPBSET_DROP)", "", 127);
      }
    }
  }

  void SetCapabilities() {
    __user_cap_header_struct header{};
    header.version = _LINUX_CAPABILITY_VERSION_3;
    __user_cap_data_struct data[2]{};
    if (plan_.uid == 0) {
      data[0].effective = data[0].permitted = static_cast<uint32_t>(kDefaultCapabilities);
      data[1].effective = data[1].permitted = static_cast<uint32_t>(kDefaultCapabilities >> 32);
    }
    if (syscall(SYS_capset, &header, data) < 0) Fail(SetupStep::kCapabilities, "capset", "", 127);
  }

  void InstallSeccomp() {
    if (plan_.seccomp_filter == nullptr) return;
    sock_fprog program{plan_.seccomp_length, const_cast<sock_filter*>(plan_.seccomp_filter)};
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &program) < 0) {
      Fail(SetupStep::kSeccomp, "seccomp(SECCOMP_SET_MODE_FILTER)", "", 127);
    }
  }

  // execvp() semantics, but searching the container's PATH (glibc's execvpe reads our own PATH).
  [[noreturn]] void Exec() {
    const char* file = plan_.argv[0];
    if (strchr(file, '/') != nullptr) {
      execve(file, plan_.argv, plan_.envp);
      Fail(SetupStep::kExec, "execve", file, 127);
    }
    bool denied = false;
    char candidate[4096];
    const char* rest = plan_.search_path;
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
        execve(candidate, plan_.argv, plan_.envp);
        if (errno == EACCES) {
          denied = true;
        } else if (errno != ENOENT && errno != ENOTDIR && errno != ELOOP && errno != ENAMETOOLONG) {
          Fail(SetupStep::kExec, "execve", candidate, 127);
        }
      }
      if (end == nullptr) break;
      rest = end + 1;
    }
    errno = denied ? EACCES : ENOENT;
    Fail(SetupStep::kExec, "execvp", file, 127);
  }

  const SandboxPlan& plan_;
  int sync_fd_;
  int device_fds_[kDeviceNodeCount] = {};
  int sys_fd_ = -1;
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

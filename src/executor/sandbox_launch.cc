#include "src/executor/sandbox_launch.h"

#include <fcntl.h>
#include <linux/sched.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "src/base/files.h"
#include "src/executor/root_mkdir.h"
#include "src/executor/seccomp_filter.h"

namespace mybuild::executor::internal {

bool HasNul(const std::string& text) { return text.find('\0') != std::string::npos; }

// Normalises an absolute container path: "/a/./b/" → "/a/b". With allow_dotdot, ".." is resolved
// lexically (it stops at the root, as inside the container); without, it is refused.
StatusOr<std::string> ContainerPath(const std::string& path, const char* what, bool allow_dotdot) {
  if (path.empty() || path[0] != '/') {
    return InvalidArgument(std::string(what) + " must be an absolute path, got \"" + path + "\"");
  }
  if (HasNul(path)) return InvalidArgument(std::string(what) + " contains a NUL byte");
  std::filesystem::path raw(path);
  if (!allow_dotdot && std::find(raw.begin(), raw.end(), "..") != raw.end()) {
    return InvalidArgument(std::string(what) + " must not contain \"..\": \"" + path + "\"");
  }
  std::string text = raw.lexically_normal().string();
  while (text.size() > 1 && text.back() == '/') text.pop_back();
  if (text.size() > kMaxPathLength) return InvalidArgument(std::string(what) + " is too long: \"" + path + "\"");
  return text;
}



StatusOr<Pipe> MakePipe() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) < 0) return ErrnoError("pipe2");
  return Pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

namespace {

// True in a user namespace whose setgroups(2) is denied (/proc/self/setgroups: "deny"): one that maps
// a single id, as a rootless mybuild without a subordinate range makes. Read once.
bool SingleIdNamespace() {
  static const bool denied = [] {
    StatusOr<std::string> text = ReadFile("/proc/self/setgroups", 64);
    return text.ok() && text->rfind("deny", 0) == 0;
  }();
  return denied;
}

Status WriteStateFile(const std::filesystem::path& path, const std::string& content) {
  UniqueFd fd(open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644));
  if (!fd.valid()) return ErrnoError("open " + path.string());
  return WriteAll(fd.get(), content, path.string());
}

// Whether container path `path` is `dir` or below it.
bool IsWithin(const std::string& path, const std::string& dir) {
  if (dir == "/") return true;
  return path.compare(0, dir.size(), dir) == 0 && (path.size() == dir.size() || path[dir.size()] == '/');
}

// The extra mounts of `spec` as the sandbox's init applies them. The strings they point to live in
// `step` (its vectors are reserved first, so the pointers stay valid); file mounts get a tmpfs of their
// own, sized for their contents, mounted by init in the step's mount namespace.
Status PrepareMounts(const ExecSpec& spec, PreparedStep& step) {
  step.mount_targets.reserve(spec.extra_mounts.size());
  step.tmpfs_options.reserve(spec.extra_mounts.size());
  step.file_names.reserve(spec.extra_mounts.size());
  uint64_t file_bytes = 0;
  for (const Mount& mount : spec.extra_mounts) {
    MB_ASSIGN_OR_RETURN(std::string target, ContainerPath(mount.target, "a mount target", false));
    // Symlinks in the image on the way to the target are followed inside the rootfs, as runc does (a
    // target below a dangling link is refused, as runc's MkdirAllInRoot does). Below an earlier mount the
    // rootfs is not what the container sees, so such a target is kept as written (the sandbox follows
    // links there).
    const bool below_earlier_mount = std::any_of(step.mount_targets.begin(), step.mount_targets.end(),
                                                 [&](const std::string& earlier) { return IsWithin(target, earlier); });
    if (!below_earlier_mount) {
      MB_ASSIGN_OR_RETURN(target, ResolveMountTarget(step.rootfs, target));
      if (target == "/") {
        return InvalidArgument("a mount target must not be the container's root (\"" + mount.target + "\" leads there)");
      }
    }
    step.mount_targets.push_back(std::move(target));
    PlanMount plan_mount;
    plan_mount.is_tmpfs = mount.type == Mount::Type::kTmpfs;
    plan_mount.target = step.mount_targets.back().c_str();
    plan_mount.read_only = mount.read_only;
    plan_mount.executable = mount.executable;
    if (plan_mount.is_tmpfs) {
      step.tmpfs_options.push_back(mount.tmpfs_size_bytes == 0 ? "mode=1777"
                                                              : "mode=1777,size=" + std::to_string(mount.tmpfs_size_bytes));
      plan_mount.tmpfs_options = step.tmpfs_options.back().c_str();
    } else if (mount.type == Mount::Type::kFile) {
      plan_mount.is_file = true;
      plan_mount.target_is_dir = false;
      plan_mount.read_only = true;
      plan_mount.contents = mount.contents.data();
      plan_mount.content_size = mount.contents.size();
      plan_mount.file_mode = static_cast<mode_t>(mount.file_mode);
      plan_mount.file_uid = mount.file_uid;
      plan_mount.file_gid = mount.file_gid;
      step.file_names.push_back(std::to_string(step.file_names.size()));
      plan_mount.file_name = step.file_names.back().c_str();
      file_bytes += mount.contents.size() + 4096;  // tmpfs counts whole pages
    } else {
      plan_mount.source = mount.source.c_str();
      plan_mount.target_is_dir = std::filesystem::is_directory(mount.source);
    }
    step.mounts.push_back(plan_mount);
  }
  step.mount_tree_fds.assign(step.mounts.size(), -1);
  if (!step.file_names.empty()) {
    step.files_dir = (step.state->path() / "files").string();
    if (mkdir(step.files_dir.c_str(), 0700) < 0) return ErrnoError("mkdir " + step.files_dir);
    step.files_tmpfs_options = "mode=0700,size=" + std::to_string(file_bytes + 4096);
  }
  return Status::Ok();
}

// /dev/shm's size, the --ulimit values, and the step's cgroup (named after its state directory).
Status PrepareResources(const Resources& resources, PreparedStep& step) {
  step.shm_tmpfs_options = "mode=1777,size=" + std::to_string(resources.shm_size_bytes);
  for (const Ulimit& ulimit : resources.ulimits) step.rlimits.push_back({ulimit.resource, ulimit.soft, ulimit.hard});
  if (!resources.NeedsCgroup()) return Status::Ok();
  MB_ASSIGN_OR_RETURN(std::filesystem::path root, CgroupV2Root(resources));
  MB_ASSIGN_OR_RETURN(StepCgroup cgroup, StepCgroup::Create(root, resources, step.state->path().filename().string()));
  step.cgroup.emplace(std::move(cgroup));
  return Status::Ok();
}

}  // namespace

Status PrepareProcess(const ExecSpec& spec, PreparedStep& step) {
  std::error_code ignored;
  step.rootfs = std::filesystem::absolute(spec.rootfs, ignored).lexically_normal().string();
  while (step.rootfs.size() > 1 && step.rootfs.back() == '/') step.rootfs.pop_back();
  for (const std::string& arg : spec.args) step.argv.push_back(const_cast<char*>(arg.c_str()));
  step.argv.push_back(nullptr);

  step.env = spec.env;
  auto path_entry = std::find_if(step.env.begin(), step.env.end(),
                                 [](const std::string& entry) { return entry.rfind("PATH=", 0) == 0; });
  if (path_entry == step.env.end()) {
    step.env.push_back(std::string("PATH=") + kDefaultPath);
    step.search_path = kDefaultPath;
  } else {
    step.search_path = path_entry->substr(5);
  }
  for (std::string& entry : step.env) step.envp.push_back(entry.data());
  step.envp.push_back(nullptr);

  // The working directory as written, ".." included, as runc is given it: made on the host by resolving
  // it inside the rootfs (root_mkdir.h: links first, then ".." from where they lead, as BuildKit's
  // fs.RootPath), then created and entered in the container, where the kernel resolves it the same way.
  // A lexical clean would differ after a symlink ("/lnk/../x" with /lnk -> /usr/lib is /usr/x).
  const std::string cwd = spec.cwd.empty() ? "/" : spec.cwd;
  MB_RETURN_IF_ERROR(ContainerPath(cwd, "the working directory", true).status());
  if (cwd.size() > kMaxPathLength) return InvalidArgument("the working directory is too long: \"" + cwd + "\"");
  step.cwd = cwd;

  step.groups.push_back(spec.gid);  // the primary gid is always a supplementary group (CVE-2022-2990)
  for (uint32_t gid : spec.additional_gids) {
    if (std::find(step.groups.begin(), step.groups.end(), gid) == step.groups.end()) step.groups.push_back(gid);
  }

  SandboxPlan& plan = step.plan;
  plan.rootfs = step.rootfs.c_str();
  plan.argv = step.argv.data();
  plan.envp = step.envp.data();
  plan.search_path = step.search_path.c_str();
  plan.cwd = step.cwd.c_str();
  plan.uid = spec.uid;
  plan.gid = spec.gid;
  plan.groups = step.groups.data();
  plan.group_count = step.groups.size();
  plan.single_id_namespace = SingleIdNamespace();
  if (spec.seccomp) {
    MB_ASSIGN_OR_RETURN(const std::vector<sock_filter>* program, DefaultSeccompProgram());
    if (program->size() > 0xffff) return Internal("the seccomp filter is too long");
    plan.seccomp_filter = program->data();
    plan.seccomp_length = static_cast<unsigned short>(program->size());
  }
  return Status::Ok();
}

Status Prepare(const ExecSpec& spec, const std::filesystem::path& state_dir, PreparedStep& step) {
  MB_RETURN_IF_ERROR(PrepareProcess(spec, step));
  step.hostname = spec.hostname.empty() ? "mybuild" : spec.hostname;

  {
    MB_ASSIGN_OR_RETURN(TempDir state, TempDir::Create(state_dir, "mybuild-run-"));
    step.state.emplace(std::move(state));
    step.hostname_file = (step.state->path() / "hostname").string();
    MB_RETURN_IF_ERROR(WriteStateFile(step.hostname_file, spec.hostname + "\n"));
    if (spec.resolv_conf) {
      step.resolv_conf = (step.state->path() / "resolv.conf").string();
      MB_RETURN_IF_ERROR(WriteStateFile(step.resolv_conf, *spec.resolv_conf));
    }
    if (spec.hosts) {
      step.hosts = (step.state->path() / "hosts").string();
      MB_RETURN_IF_ERROR(WriteStateFile(step.hosts, *spec.hosts));
    }
  }

  MB_RETURN_IF_ERROR(PrepareMounts(spec, step));
  MB_RETURN_IF_ERROR(PrepareResources(spec.resources, step));

  SandboxPlan& plan = step.plan;
  plan.hostname = step.hostname.c_str();
  plan.loopback_only = spec.network == ExecSpec::Network::kNone;
  plan.resolv_conf = spec.resolv_conf ? step.resolv_conf.c_str() : nullptr;
  plan.hosts = spec.hosts ? step.hosts.c_str() : nullptr;
  plan.hostname_file = step.hostname_file.c_str();
  plan.files_dir = step.files_dir.empty() ? nullptr : step.files_dir.c_str();
  plan.files_tmpfs_options = step.files_tmpfs_options.c_str();
  plan.mounts = step.mounts.data();
  plan.mount_count = step.mounts.size();
  plan.mount_tree_fds = step.mount_tree_fds.data();
  plan.shm_tmpfs_options = step.shm_tmpfs_options.c_str();
  plan.rlimits = step.rlimits.data();
  plan.rlimit_count = step.rlimits.size();
  return Status::Ok();
}

Status SetupError(const ChildMessage& message) {
  std::string path(message.path, strnlen(message.path, sizeof message.path));
  std::string syscall_name(message.syscall, strnlen(message.syscall, sizeof message.syscall));
  if (message.step == SetupStep::kExec) {
    if (message.err == ENOENT) {
      return NotFound("exec \"" + path + "\": executable file not found in the container's $PATH");
    }
    return Status(StatusCode::kFailedPrecondition,
                  "exec \"" + path + "\" in the container: " + syscall_name + ": " + std::strerror(message.err));
  }
  if (syscall_name == kNotADirectoryTarget) {
    return Status(StatusCode::kFailedPrecondition,
                  "cannot start RUN: " + path + " in the image is not a directory (a symlink or a file): " +
                      std::string(SetupStepName(message.step)) + " needs an ordinary directory there");
  }
  std::string where = path.empty() ? "" : " " + path;
  return Status(StatusCode::kFailedPrecondition, "sandbox setup failed at step \"" +
                                                     std::string(SetupStepName(message.step)) + "\": " +
                                                     syscall_name + where + ": " + std::strerror(message.err));
}

StatusOr<UniqueFd> CloneSandbox(const ExecSpec& spec, const PreparedStep& step) {
  clone_args args{};
  int pidfd = -1;
  args.flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWCGROUP | CLONE_PIDFD;
  if (spec.network == ExecSpec::Network::kNone) args.flags |= CLONE_NEWNET;
  if (step.cgroup) {
    args.flags |= CLONE_INTO_CGROUP;
    args.cgroup = static_cast<uint64_t>(step.cgroup->fd());
  }
  args.pidfd = reinterpret_cast<uint64_t>(&pidfd);
  args.exit_signal = SIGCHLD;
  long pid = syscall(SYS_clone3, &args, sizeof args);
  if (pid == 0) RunSandboxInit(step.plan);
  if (pid < 0) {
    int error = errno;
    if (error == EPERM) {
      return Status(StatusCode::kPermissionDenied,
                    "creating the sandbox (clone3 with new namespaces) was refused: mybuild must run as root "
                    "with CAP_SYS_ADMIN: " + std::string(std::strerror(error)));
    }
    return ErrnoError("clone3 (sandbox)", error);
  }
  return UniqueFd(pidfd);
}

}  // namespace mybuild::executor::internal

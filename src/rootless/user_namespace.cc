#include "src/rootless/user_namespace.h"

#include <fcntl.h>
#include <pwd.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "fmt/format.h"
#include "src/base/files.h"
#include "src/base/unique_fd.h"

namespace mybuild::rootless {
namespace {

Identity& MutableIdentity() {
  static Identity identity;
  return identity;
}

StatusOr<IdMap> ReadOwnMap(const char* file) {
  MB_ASSIGN_OR_RETURN(std::string text, ReadFile(file, 1 << 16));
  return ParseIdMap(text);
}

Status RecordOwnMaps(Identity& identity) {
  MB_ASSIGN_OR_RETURN(identity.uid_map, ReadOwnMap("/proc/self/uid_map"));
  MB_ASSIGN_OR_RETURN(identity.gid_map, ReadOwnMap("/proc/self/gid_map"));
  return Status::Ok();
}

Status WriteProcFile(const char* path, const std::string& text) {
  UniqueFd fd(::open(path, O_WRONLY | O_CLOEXEC));
  if (!fd) return ErrnoError(fmt::format("open {}", path));
  return WriteAll(fd.get(), text, path);
}

// The helper's work (a forked child, still outside the namespace): waits until `target` has unshared,
// then runs newuidmap and newgidmap on it. Returns its exit status.
int RunMapHelpers(int ready_fd, pid_t target, const IdMap& uid_map, const IdMap& gid_map) {
  char byte = 0;
  ssize_t n = 0;
  do n = ::read(ready_fd, &byte, 1);
  while (n < 0 && errno == EINTR);
  if (n != 1) return 1;  // the process gave up (unshare failed)
  const std::string pid = std::to_string(target);
  for (const auto& [program, map] : {std::pair{"newuidmap", &uid_map}, std::pair{"newgidmap", &gid_map}}) {
    std::vector<std::string> words = {program, pid};
    for (std::string& word : HelperArguments(*map)) words.push_back(std::move(word));
    std::vector<char*> argv;
    for (std::string& word : words) argv.push_back(word.data());
    argv.push_back(nullptr);
    pid_t child = ::fork();
    if (child < 0) return 1;
    if (child == 0) {
      ::execvp(program, argv.data());
      std::fprintf(stderr, "error: rootless: cannot run %s: %s\n", program, std::strerror(errno));
      ::_exit(127);
    }
    int status = 0;
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return 1;
  }
  return 0;
}

// unshare(CLONE_NEWUSER) with the subordinate ranges mapped by the set-uid helpers.
Status EnterWithHelpers(const IdMap& uid_map, const IdMap& gid_map) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return ErrnoError("pipe2 for the newuidmap helper");
  UniqueFd read_end(pipe_fds[0]);
  UniqueFd write_end(pipe_fds[1]);
  const pid_t self = ::getpid();
  const pid_t helper = ::fork();
  if (helper < 0) return ErrnoError("fork the newuidmap helper");
  if (helper == 0) {
    write_end.Reset();
    ::_exit(RunMapHelpers(read_end.get(), self, uid_map, gid_map));
  }
  read_end.Reset();
  Status entered = Status::Ok();
  if (::unshare(CLONE_NEWUSER) != 0) entered = ErrnoError("unshare(CLONE_NEWUSER)");
  if (entered.ok()) entered = WriteAll(write_end.get(), "x", "the newuidmap helper's pipe");
  write_end.Reset();
  int status = 0;
  while (::waitpid(helper, &status, 0) < 0) {
    if (errno != EINTR) return ErrnoError("waitpid for the newuidmap helper");
  }
  MB_RETURN_IF_ERROR(entered);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return FailedPrecondition(fmt::format("newuidmap/newgidmap could not map {} (see the message above)",
                                          DescribeIdMap(uid_map)));
  }
  return Status::Ok();
}

// unshare(CLONE_NEWUSER) mapping only 0 to the user (an unprivileged process may write that map itself).
Status EnterSingleId(uint32_t uid, uint32_t gid) {
  if (::unshare(CLONE_NEWUSER) != 0) return ErrnoError("unshare(CLONE_NEWUSER)");
  MB_RETURN_IF_ERROR(WriteProcFile("/proc/self/setgroups", "deny"));
  MB_RETURN_IF_ERROR(WriteProcFile("/proc/self/uid_map", fmt::format("0 {} 1\n", uid)));
  return WriteProcFile("/proc/self/gid_map", fmt::format("0 {} 1\n", gid));
}

}  // namespace

bool ProgramInPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string_view dirs = path && *path ? path : "/usr/local/bin:/usr/bin:/bin";
  while (!dirs.empty()) {
    size_t colon = dirs.find(':');
    std::string dir(dirs.substr(0, colon));
    dirs = colon == std::string_view::npos ? std::string_view() : dirs.substr(colon + 1);
    if (!dir.empty() && ::access((dir + "/" + name).c_str(), X_OK) == 0) return true;
  }
  return false;
}

namespace {

std::optional<IdRange> SubordinateRange(const char* file, const std::string& name, uint32_t id) {
  StatusOr<std::optional<std::string>> text = ReadFileIfPresent(file, 16 << 20);
  if (!text.ok() || !*text) return std::nullopt;
  return FindSubordinateRange(**text, name, id);
}

// A mybuild started by a rootless mybuild (kRootlessEnv set, uid 0 in a namespace that is not the initial
// one): the same identity as its parent.
bool InheritIdentity(Identity& identity) {
  const char* marker = std::getenv(kRootlessEnv);
  if (marker == nullptr || ::geteuid() != 0) return false;
  if (!RecordOwnMaps(identity).ok() || IsInitialMap(identity.uid_map)) return false;
  unsigned uid = 0, gid = 0;
  if (std::sscanf(marker, "%u:%u", &uid, &gid) != 2) return false;
  identity.rootless = true;
  identity.host_uid = uid;
  identity.host_gid = gid;
  identity.user_name = HostUserName(uid);
  identity.single_id = identity.uid_map.size() == 1 && identity.uid_map[0].count == 1;
  return true;
}

}  // namespace

Status EnterUserNamespace(const std::filesystem::path& state_root) {
  Identity& identity = MutableIdentity();
  if (InheritIdentity(identity)) return Status::Ok();
  ::unsetenv(kRootlessEnv);
  const uid_t uid = ::getuid();
  const gid_t gid = ::getgid();
  identity.host_uid = uid;
  identity.host_gid = gid;
  identity.user_name = HostUserName(uid);
  struct stat st {};
  identity.state_root_seen = state_root;
  if (!state_root.empty() && ::stat(state_root.c_str(), &st) == 0) identity.state_root_owner = st.st_uid;
  if (::geteuid() == 0) return RecordOwnMaps(identity);

  const std::optional<IdRange> uids = SubordinateRange("/etc/subuid", identity.user_name, uid);
  const std::optional<IdRange> gids = SubordinateRange("/etc/subgid", identity.user_name, uid);
  const bool helpers = ProgramInPath("newuidmap") && ProgramInPath("newgidmap");
  if (uids && gids && helpers) {
    MB_RETURN_IF_ERROR(EnterWithHelpers(RootlessMap(uid, uids), RootlessMap(gid, gids)));
  } else {
    MB_RETURN_IF_ERROR(EnterSingleId(uid, gid));
    identity.single_id = true;
    const std::string who = identity.user_name.empty() ? std::to_string(uid) : identity.user_name;
    identity.warning = fmt::format(
        "rootless: {}; only uid 0 is mapped, so files owned by other ids cannot be made (see mybuild doctor)",
        !helpers ? std::string("newuidmap/newgidmap are not installed (package uidmap)")
            : fmt::format("no range for {} in /etc/subuid and /etc/subgid", who));
  }
  identity.rootless = true;
  ::setenv(kRootlessEnv, fmt::format("{}:{}", uid, gid).c_str(), 1);
  return RecordOwnMaps(identity);
}

Status JoinUserNamespaceOf(int pid) {
  Identity& identity = MutableIdentity();
  if (::geteuid() == 0) return EnterUserNamespace("");
  UniqueFd process(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  if (!process) return ErrnoError(fmt::format("pidfd_open({})", pid));
  identity.host_uid = ::getuid();
  identity.host_gid = ::getgid();
  identity.user_name = HostUserName(identity.host_uid);
  if (::setns(process.get(), CLONE_NEWUSER) != 0) {
    return ErrnoError(fmt::format("setns(the user namespace of process {})", pid));
  }
  // The ids are those of the namespace: the user is 0 in it.
  if (::setresgid(0, 0, 0) != 0) return ErrnoError("setresgid(0) in the joined user namespace");
  if (::setresuid(0, 0, 0) != 0) return ErrnoError("setresuid(0) in the joined user namespace");
  identity.rootless = true;
  ::setenv(kRootlessEnv, fmt::format("{}:{}", identity.host_uid, identity.host_gid).c_str(), 1);
  MB_RETURN_IF_ERROR(RecordOwnMaps(identity));
  identity.single_id = identity.uid_map.size() == 1 && identity.uid_map[0].count == 1;
  return Status::Ok();
}

const Identity& CurrentIdentity() { return MutableIdentity(); }

std::string HostUserName(uint32_t uid) {
  // The host's own passwd database (never a rootfs's: mybuild's mount namespace shows the host's files).
  struct passwd entry {};
  struct passwd* result = nullptr;
  std::vector<char> buffer(16384);
  if (::getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &result) != 0 || result == nullptr) return "";
  return entry.pw_name;
}

Status CheckStateRootOwner(const std::filesystem::path& state_root) {
  struct stat st {};
  if (::stat(state_root.c_str(), &st) != 0) return ErrnoError("stat " + state_root.string());
  if (st.st_uid == ::geteuid()) return Status::Ok();
  const Identity& identity = CurrentIdentity();
  // Inside the namespace, ids outside it read as the overflow id: the owner seen from the host before
  // the namespace was entered names it.
  std::optional<uint32_t> owner = ToHost(identity.uid_map, st.st_uid);
  if (identity.state_root_owner && std::filesystem::path(state_root) == identity.state_root_seen) {
    owner = identity.state_root_owner;
  }
  const auto who = [](std::optional<uint32_t> uid) {
    if (!uid) return std::string("a user outside this user namespace");
    const std::string name = HostUserName(*uid);
    return name.empty() ? fmt::format("uid {}", *uid) : fmt::format("{} (uid {})", name, *uid);
  };
  const uint32_t self = identity.rootless ? identity.host_uid : ::geteuid();
  return FailedPrecondition(fmt::format(
      "state root {} belongs to {}, not to {} who runs this mybuild: a root's and a user's mybuild must not "
      "share a state root (choose another with --root or MYBUILD_ROOT)",
      state_root.string(), who(owner), who(self)));
}

std::filesystem::path DefaultStateRoot() {
  if (::geteuid() == 0 && !CurrentIdentity().rootless) return "/var/lib/mybuild";
  if (const char* data = std::getenv("XDG_DATA_HOME"); data && *data) return std::filesystem::path(data) / "mybuild";
  const char* home = std::getenv("HOME");
  if (home && *home) return std::filesystem::path(home) / ".local/share/mybuild";
  return std::filesystem::path("/tmp") / fmt::format("mybuild-{}", CurrentIdentity().host_uid) / "root";
}

StatusOr<std::filesystem::path> RuntimeDir() {
  const Identity& identity = CurrentIdentity();
  std::filesystem::path dir;
  if (const char* runtime = std::getenv("XDG_RUNTIME_DIR"); runtime && *runtime) {
    dir = std::filesystem::path(runtime) / "mybuild";
  } else if (!identity.rootless && ::geteuid() == 0) {
    dir = "/run/mybuild";
  } else {
    dir = fmt::format("/tmp/mybuild-run-{}", identity.host_uid);
  }
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return ErrnoError("mkdir " + dir.string());
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0) return ErrnoError("lstat " + dir.string());
  if (!S_ISDIR(st.st_mode) || st.st_uid != ::geteuid()) {
    return FailedPrecondition(fmt::format("runtime directory {} is not a directory of this user (uid {} owns it)",
                                          dir.string(), st.st_uid));
  }
  if ((st.st_mode & 077) != 0 && ::chmod(dir.c_str(), 0700) != 0) return ErrnoError("chmod " + dir.string());
  return dir;
}

}  // namespace mybuild::rootless

#include "src/rootless/host_probe.h"

#include <fcntl.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <linux/magic.h>

#include "src/base/files.h"
#include "src/base/unique_fd.h"
#include "src/rootless/user_namespace.h"

namespace mybuild::rootless {
namespace {

class SystemProbe : public HostProbe {
 public:
  std::optional<std::string> ReadText(const std::string& path) override {
    StatusOr<std::optional<std::string>> text = ReadFileIfPresent(path, 16 << 20);
    if (!text.ok()) return std::nullopt;
    return *text;
  }

  std::vector<std::string> ListDir(const std::string& path) override {
    std::vector<std::string> names;
    std::error_code error;
    for (std::filesystem::directory_iterator it(path, error), end; !error && it != end; it.increment(error)) {
      names.push_back(it->path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  bool HasProgram(const std::string& name) override { return ProgramInPath(name); }

  uint32_t HostUid() override {
    const Identity& identity = CurrentIdentity();
    return identity.rootless ? identity.host_uid : ::getuid();
  }

  std::string HostUserName() override { return rootless::HostUserName(HostUid()); }

  std::string KernelRelease() override {
    struct utsname name {};
    return ::uname(&name) == 0 ? name.release : "";
  }

  std::string CgroupVersion() override {
    struct statfs fs {};
    if (::statfs("/sys/fs/cgroup", &fs) != 0) return "none";
    if (fs.f_type == CGROUP2_SUPER_MAGIC) return "v2";
    if (fs.f_type == TMPFS_MAGIC) return "v1";
    return "none";
  }

  std::string TryUserNamespace() override {
    if (CurrentIdentity().rootless || ::geteuid() == 0) return "";
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return "pipe2 failed";
    UniqueFd read_end(fds[0]);
    UniqueFd write_end(fds[1]);
    const pid_t child = ::fork();
    if (child < 0) return "fork failed";
    if (child == 0) {
      // A forked child has one thread, as EnterUserNamespace() needs.
      read_end.Reset();
      const Status entered = EnterUserNamespace("");
      if (!entered.ok()) WriteAll(write_end.get(), entered.ToString(), "pipe").IgnoreError();
      ::_exit(entered.ok() ? 0 : 1);
    }
    write_end.Reset();
    std::string error;
    char buffer[512];
    for (ssize_t n; (n = ::read(read_end.get(), buffer, sizeof buffer)) != 0;) {
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) break;
      error.append(buffer, static_cast<size_t>(n));
    }
    int status = 0;
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return "";
    return error.empty() ? "the trial process failed" : error;
  }
};

}  // namespace

std::unique_ptr<HostProbe> NewSystemProbe() { return std::make_unique<SystemProbe>(); }

}  // namespace mybuild::rootless

// Helpers for the executor tests: a busybox rootfs and a probe for whether sandboxes can be made here.
#ifndef MYBUILD_TESTS_EXECUTOR_SANDBOX_TEST_SUPPORT_H_
#define MYBUILD_TESTS_EXECUTOR_SANDBOX_TEST_SUPPORT_H_

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "src/base/temp_dir.h"
#include "src/executor/namespace_executor.h"

namespace mybuild::executor::testing {

// A rootfs with /bin/busybox and a symlink per applet in /bin (nothing else unless asked).
class BusyboxRootfs {
 public:
  static std::optional<BusyboxRootfs> Create() {
    if (!std::filesystem::exists("/bin/busybox")) return std::nullopt;
    auto dir = TempDir::Create({}, "mybuild-exec-test-");
    if (!dir.ok()) return std::nullopt;
    BusyboxRootfs rootfs(std::move(*dir));
    // mkdtemp makes 0700: let non-root users of the sandbox reach /bin.
    std::filesystem::permissions(rootfs.path(), std::filesystem::perms(0755));
    std::filesystem::path bin = rootfs.path() / "bin";
    std::filesystem::create_directories(bin);
    std::filesystem::copy_file("/bin/busybox", bin / "busybox");
    FILE* list = popen("/bin/busybox --list", "r");
    if (list == nullptr) return std::nullopt;
    char name[256];
    while (fgets(name, sizeof name, list) != nullptr) {
      std::string applet(name);
      while (!applet.empty() && applet.back() == '\n') applet.pop_back();
      if (applet.empty() || applet == "busybox" || applet.find('/') != std::string::npos) continue;
      std::error_code ignored;
      std::filesystem::create_symlink("busybox", bin / applet, ignored);
    }
    pclose(list);
    return rootfs;
  }

  const std::filesystem::path& path() const { return dir_.path(); }

 private:
  explicit BusyboxRootfs(TempDir dir) : dir_(std::move(dir)) {}
  TempDir dir_;
};

inline std::string ReadText(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The host's mount table: any mount that appears or vanishes changes it.
// The host's mounts at or below `dir` (lines of /proc/self/mountinfo). A sandbox mounts only inside its
// rootfs, so a leak shows here; mounts that concurrent tests make elsewhere do not.
inline std::string HostMountsUnder(const std::filesystem::path& dir) {
  std::string all = ReadText("/proc/self/mountinfo");
  std::string out;
  std::string prefix = dir.string();
  size_t start = 0;
  while (start < all.size()) {
    size_t end = all.find('\n', start);
    if (end == std::string::npos) end = all.size();
    std::string line = all.substr(start, end - start);
    // Field 5 is the mount point.
    size_t field = 0, pos = 0;
    for (int i = 0; i < 4 && pos != std::string::npos; ++i) pos = line.find(' ', pos) + 1;
    if (pos != std::string::npos && pos > 0) {
      field = line.find(' ', pos);
      std::string mount_point = line.substr(pos, field == std::string::npos ? std::string::npos : field - pos);
      if (mount_point.compare(0, prefix.size(), prefix) == 0) out += line + "\n";
    }
    start = end + 1;
  }
  return out;
}

// Why sandboxes cannot be made here, or nullopt when they can.
inline std::optional<std::string> SandboxUnavailable() {
  static const std::optional<std::string> reason = []() -> std::optional<std::string> {
    if (geteuid() != 0) return "the RUN sandbox needs root";
    auto rootfs = BusyboxRootfs::Create();
    if (!rootfs) return "no /bin/busybox to build a test rootfs from (install busybox-static)";
    NamespaceExecutor executor;
    ExecSpec spec;
    spec.rootfs = rootfs->path();
    spec.args = {"true"};
    CollectingSink sink;
    CancelToken cancel;
    auto result = executor.Run(spec, sink, cancel);
    if (!result.ok() && result.status().code() == StatusCode::kPermissionDenied) {
      return "namespaces are not available here: " + result.status().message();
    }
    return std::nullopt;
  }();
  return reason;
}

}  // namespace mybuild::executor::testing

#endif  // MYBUILD_TESTS_EXECUTOR_SANDBOX_TEST_SUPPORT_H_

#include "src/executor/step_cgroup.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "src/base/files.h"

namespace mybuild::executor {
namespace {

// The flag that asks for a cgroup, for messages.
std::string CgroupFlag(const Resources& resources) {
  if (resources.pids_limit > 0) return "--pids-limit";
  if (resources.memory_bytes > 0) return "--memory";
  return "--cgroup-parent";
}

// Writes a control file; `error` (when given) receives the errno of a failure.
Status WriteControl(const std::filesystem::path& file, const std::string& value, int* error = nullptr) {
  UniqueFd fd(::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd || ::write(fd.get(), value.data(), value.size()) != static_cast<ssize_t>(value.size())) {
    const int saved = errno;
    if (error != nullptr) *error = saved;
    return ErrnoError("write \"" + value + "\" to " + file.string(), saved);
  }
  return Status::Ok();
}

bool ListHas(const std::string& list, const std::string& word) {
  size_t pos = 0;
  while (pos < list.size()) {
    size_t end = list.find_first_of(" \n", pos);
    if (end == std::string::npos) end = list.size();
    if (list.compare(pos, end - pos, word) == 0) return true;
    pos = end + 1;
  }
  return false;
}

// Enables `controller` for the children of `dir`.
Status EnableController(const std::filesystem::path& dir, const std::string& controller, const std::string& flag) {
  StatusOr<std::string> available = ReadFile(dir / "cgroup.controllers", 4096);
  if (!available.ok() || !ListHas(*available, controller)) {
    return FailedPrecondition(flag + " needs the " + controller + " controller, which " +
                              (dir / "cgroup.controllers").string() + " does not offer");
  }
  StatusOr<std::string> enabled = ReadFile(dir / "cgroup.subtree_control", 4096);
  if (enabled.ok() && ListHas(*enabled, controller)) return Status::Ok();
  int error = 0;
  Status written = WriteControl(dir / "cgroup.subtree_control", "+" + controller, &error);
  if (!written.ok() && error == EBUSY) {
    return FailedPrecondition(flag + ": cannot enable the " + controller + " controller in " + dir.string() +
                              ": it holds processes itself (cgroup v2 allows controllers only for cgroups "
                              "without processes); choose a --cgroup-parent that has none");
  }
  return written;
}

}  // namespace

StatusOr<std::filesystem::path> CgroupV2Root(const Resources& resources) {
  struct statfs fs {};
  if (::statfs(kCgroupRoot, &fs) != 0 || fs.f_type != CGROUP2_SUPER_MAGIC) {
    return FailedPrecondition(CgroupFlag(resources) + " needs the unified cgroup v2 hierarchy mounted at " +
                              kCgroupRoot + "; this host has " +
                              (fs.f_type == TMPFS_MAGIC ? "cgroup v1 hierarchies (a tmpfs) there" : "none there"));
  }
  if (::access(kCgroupRoot, W_OK) != 0) {
    return FailedPrecondition(CgroupFlag(resources) + " needs a writable " + kCgroupRoot + " (run as root)");
  }
  return std::filesystem::path(kCgroupRoot);
}

StatusOr<StepCgroup> StepCgroup::Create(const std::filesystem::path& root, const Resources& resources,
                                        std::string_view name) {
  const std::string flag = CgroupFlag(resources);
  const std::string parent = resources.cgroup_parent.empty() ? kDefaultCgroupParent : resources.cgroup_parent;
  std::vector<std::string> controllers;
  if (resources.pids_limit > 0) controllers.push_back("pids");
  if (resources.memory_bytes > 0) controllers.push_back("memory");

  // Down from the root: each directory enables the controllers for the next one.
  std::filesystem::path dir = root;
  std::vector<std::filesystem::path> chain = {dir};
  for (const auto& part : std::filesystem::path(parent)) {
    dir /= part;
    chain.push_back(dir);
  }
  for (size_t i = 0; i < chain.size(); ++i) {
    if (i > 0 && ::mkdir(chain[i].c_str(), 0755) != 0 && errno != EEXIST) {
      return ErrnoError(flag + ": mkdir " + chain[i].string());
    }
    for (const std::string& controller : controllers) MB_RETURN_IF_ERROR(EnableController(chain[i], controller, flag));
  }

  StepCgroup cgroup;
  const std::filesystem::path leaf = dir / std::string(name);
  if (::mkdir(leaf.c_str(), 0755) != 0) return ErrnoError(flag + ": mkdir " + leaf.string());
  cgroup.path_ = leaf;
  if (resources.pids_limit > 0) {
    MB_RETURN_IF_ERROR(WriteControl(leaf / "pids.max", std::to_string(resources.pids_limit)));
  }
  if (resources.memory_bytes > 0) {
    MB_RETURN_IF_ERROR(WriteControl(leaf / "memory.max", std::to_string(resources.memory_bytes)));
    // docker's default --memory-swap is twice --memory: as much swap as memory.
    if (std::filesystem::exists(leaf / "memory.swap.max")) {
      MB_RETURN_IF_ERROR(WriteControl(leaf / "memory.swap.max", std::to_string(resources.memory_bytes)));
    }
  }
  cgroup.fd_.Reset(::open(leaf.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!cgroup.fd_) return ErrnoError("open " + leaf.string());
  return cgroup;
}

StepCgroup::StepCgroup(StepCgroup&& other) noexcept : path_(std::move(other.path_)), fd_(std::move(other.fd_)) {
  other.path_.clear();
}

StepCgroup& StepCgroup::operator=(StepCgroup&& other) noexcept {
  if (this != &other) {
    Remove();
    path_ = std::move(other.path_);
    fd_ = std::move(other.fd_);
    other.path_.clear();
  }
  return *this;
}

StepCgroup::~StepCgroup() { Remove(); }

void StepCgroup::Remove() {
  if (path_.empty()) return;
  fd_.Reset();
  const std::filesystem::path kill = path_ / "cgroup.kill";
  if (std::filesystem::exists(kill)) WriteControl(kill, "1").IgnoreError();
  // Processes leave a killed cgroup asynchronously: rmdir is EBUSY until the last one has exited.
  for (int attempt = 0; attempt < 200; ++attempt) {
    if (::rmdir(path_.c_str()) == 0 || errno != EBUSY) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  path_.clear();
}

}  // namespace mybuild::executor

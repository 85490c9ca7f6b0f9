// The cgroup of one sandbox (--cgroup-parent, --pids-limit, --memory; resources.h): ROOT/PARENT/NAME (NAME is
// the step's state directory name, mybuild-run-XXXXXX)
// in the unified cgroup v2 hierarchy, with pids.max and memory.max written before the sandbox starts in it
// (clone3 with CLONE_INTO_CGROUP: no process of the step ever runs outside it). The controllers a limit
// needs are enabled in every directory from the root down to PARENT (PARENT is made when missing).
// Destruction kills what is left in it (cgroup.kill) and removes the directory once its processes are gone.
#ifndef MYBUILD_EXECUTOR_STEP_CGROUP_H_
#define MYBUILD_EXECUTOR_STEP_CGROUP_H_

#include <filesystem>
#include <string_view>

#include "src/base/status.h"
#include "src/base/unique_fd.h"
#include "src/executor/resources.h"

namespace mybuild::executor {

inline constexpr const char* kCgroupRoot = "/sys/fs/cgroup";
inline constexpr const char* kDefaultCgroupParent = "mybuild";

// kCgroupRoot when it is a writable cgroup v2 (unified) mount; else kFailedPrecondition naming the flag
// that needs it and what the host has instead.
StatusOr<std::filesystem::path> CgroupV2Root(const Resources& resources);

class StepCgroup {
 public:
  // Makes the cgroup below `root` (kCgroupRoot, or a plain directory in tests).
  static StatusOr<StepCgroup> Create(const std::filesystem::path& root, const Resources& resources,
                                     std::string_view name);
  StepCgroup() = default;
  StepCgroup(StepCgroup&& other) noexcept;
  StepCgroup& operator=(StepCgroup&& other) noexcept;
  ~StepCgroup();

  int fd() const { return fd_.get(); }  // for CLONE_INTO_CGROUP
  const std::filesystem::path& path() const { return path_; }

 private:
  void Remove();

  std::filesystem::path path_;
  UniqueFd fd_;
};

}  // namespace mybuild::executor

#endif  // MYBUILD_EXECUTOR_STEP_CGROUP_H_

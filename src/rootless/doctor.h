// The set-up a rootless (or rootful) mybuild needs, as facts gathered through a HostProbe and findings
// about them: `mybuild info` prints the facts, `mybuild doctor` the findings, one line each with what to
// install or set. A kBlocker finding means a build could not work (doctor exits non-zero).
#ifndef MYBUILD_ROOTLESS_DOCTOR_H_
#define MYBUILD_ROOTLESS_DOCTOR_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "src/rootless/host_probe.h"
#include "src/rootless/id_map.h"

namespace mybuild::rootless {

struct HostFacts {
  uint32_t uid = 0;
  std::string user;
  std::optional<IdRange> subuid;  // the user's ranges in /etc/subuid, /etc/subgid
  std::optional<IdRange> subgid;
  bool newuidmap = false;         // the set-uid helpers (package uidmap)
  bool newgidmap = false;
  std::optional<int64_t> max_user_namespaces;          // user.max_user_namespaces
  std::optional<int64_t> unprivileged_userns_clone;    // kernel.unprivileged_userns_clone (Debian kernels)
  std::optional<int64_t> apparmor_restrict_userns;     // kernel.apparmor_restrict_unprivileged_userns
  std::string kernel_release;
  int kernel_major = 0;
  int kernel_minor = 0;
  std::string cgroup;                                  // "v2", "v1", "none"
  bool seccomp = false;                                // the kernel filters system calls (Seccomp: in status)
  std::vector<std::pair<std::string, std::string>> binfmt;  // enabled binfmt_misc entries → interpreter
  std::string userns_error;                            // TryUserNamespace(): "" = a namespace could be made
};

HostFacts GatherFacts(HostProbe& probe);

enum class Severity { kBlocker, kWarning };

struct Finding {
  Severity severity = Severity::kWarning;
  std::string problem;  // what is missing
  std::string fix;      // what to install or set
};

// The findings for `facts`, blockers first.
std::vector<Finding> Diagnose(const HostFacts& facts);

}  // namespace mybuild::rootless

#endif  // MYBUILD_ROOTLESS_DOCTOR_H_

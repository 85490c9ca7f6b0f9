// Resource bounds of a sandbox (RUN, `mybuild run`), with the reference's flags and defaults:
//  - --ulimit NAME=SOFT[:HARD] (docker build/run, repeatable): setrlimit in the sandbox before exec. Names
//    as docker's: core, cpu, data, fsize, locks, memlock, msgqueue, nice, nofile, nproc, rss, rtprio,
//    rttime, sigpending, stack; -1 is unlimited. Without --ulimit the limits are inherited (BuildKit resets
//    its spec's rlimits to the daemon's own).
//  - --shm-size SIZE: the size of the /dev/shm tmpfs; BuildKit's and docker's default is 64 MiB.
//  - --cgroup-parent PATH, --pids-limit N, --memory SIZE: the sandbox runs in its own cgroup v2
//    (PARENT/mybuild-run-ID below the cgroup root, with pids.max / memory.max); no cgroup, and no limit, by
//    default, as in BuildKit (which has no pids limit) and docker.
// Resource bounds are not part of a step's identity or cache key (ARCHITECTURE.md).
#ifndef MYBUILD_EXECUTOR_RESOURCES_H_
#define MYBUILD_EXECUTOR_RESOURCES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "src/base/status.h"

namespace mybuild::executor {

inline constexpr uint64_t kDefaultShmSizeBytes = 64ull << 20;
inline constexpr uint64_t kUnlimited = ~0ull;  // RLIM_INFINITY

struct Ulimit {
  std::string name;  // docker's name: "nofile"
  int resource = 0;  // RLIMIT_NOFILE
  uint64_t soft = 0;
  uint64_t hard = 0;
  bool operator==(const Ulimit&) const = default;
};

struct Resources {
  std::vector<Ulimit> ulimits;
  uint64_t shm_size_bytes = kDefaultShmSizeBytes;
  std::string cgroup_parent;  // below the cgroup v2 root, '/'-separated; "" = "mybuild" when a cgroup is used
  int64_t pids_limit = 0;     // pids.max; 0 = no limit
  int64_t memory_bytes = 0;   // memory.max (and as much swap, as docker's default --memory-swap); 0 = none

  bool NeedsCgroup() const { return !cgroup_parent.empty() || pids_limit > 0 || memory_bytes > 0; }
};

// The flags as typed; "" = not given.
struct ResourceFlags {
  std::vector<std::string> ulimits;
  std::string shm_size;
  std::string cgroup_parent;
  std::string pids_limit;
  std::string memory;
};

// Checks and converts the flags. Errors are kInvalidArgument in docker's form:
// `invalid argument "nofile=x" for "--ulimit" flag: …` saying what was expected.
StatusOr<Resources> ParseResourceFlags(const ResourceFlags& flags);

// One --ulimit value: "nofile=1024:2048", "nproc=512" (hard = soft), "core=-1" (unlimited).
StatusOr<Ulimit> ParseUlimit(std::string_view text);

}  // namespace mybuild::executor

#endif  // MYBUILD_EXECUTOR_RESOURCES_H_

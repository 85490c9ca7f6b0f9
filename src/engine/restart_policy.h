// Restart policies (docker run --restart, compose `restart:`), honoured by a detached container's small
// monitor (src/monitor): once it has recorded the container's exit, it decides whether to start it
// again and, if so, becomes `mybuild --root ROOT start ID` after a back-off (100 ms, doubling, at most
// 10 s). A container stopped or killed by a command (`stop`, `kill`, `rm -f`, compose down: the file
// ROOT/containers/ID/stopped-by-user, removed again by `start`) is never restarted, as docker's
// "manually stopped" containers are not. The restarts so far are counted in ROOT/containers/ID/restarts.
//   no               never (the default)
//   always           whatever the exit status
//   unless-stopped   as always (mybuild has no daemon restart to tell them apart)
//   on-failure[:N]   after a non-zero exit, at most N times (unlimited without N)
#ifndef MYBUILD_ENGINE_RESTART_POLICY_H_
#define MYBUILD_ENGINE_RESTART_POLICY_H_

#include <filesystem>
#include <string>
#include <string_view>

#include "src/base/status.h"

namespace mybuild::engine {

struct RestartPolicy {
  enum class Kind { kNo, kAlways, kUnlessStopped, kOnFailure };
  Kind kind = Kind::kNo;
  int max_retries = 0;  // kOnFailure: 0 = unlimited
};

StatusOr<RestartPolicy> ParseRestartPolicy(std::string_view text);

inline constexpr const char* kStoppedByUserFile = "stopped-by-user";

// Pure: whether a container that exited with `exit_code` after `restarts` restarts starts again.
bool ShouldRestart(const RestartPolicy& policy, int exit_code, int restarts, bool stopped_by_user);
// The delay before restart number `restarts` + 1, in milliseconds.
int RestartDelayMs(int restarts);

// The monitor's side: the policy in ROOT/containers/ID/config.json ("settings"."restart"), and the count.
RestartPolicy LoadRestartPolicy(const std::filesystem::path& container_dir);
int ReadRestartCount(const std::filesystem::path& container_dir);
Status WriteRestartCount(const std::filesystem::path& container_dir, int restarts);

}  // namespace mybuild::engine

#endif  // MYBUILD_ENGINE_RESTART_POLICY_H_

// The project's output as `compose logs` and a foreground `compose up` show it: every container's log
// lines as they come, each prefixed with "<service>-<n>  | " (padded to the longest prefix; coloured on
// a terminal), one line at a time so that lines of two containers never mix.
//
// FollowProject (foreground up): follows every container of `services` until all have exited; a
// SIGINT, SIGTERM or SIGHUP stops them all (each its stop signal, SIGKILL after its stop_grace_period),
// as does the exit of any one with abort_on_container_exit. Its exit status: 0, 128+N after signal N,
// or with exit_code_from (or abort) the status of that service's (the first exited) container.
#ifndef MYBUILD_CLI_COMPOSE_FOLLOW_H_
#define MYBUILD_CLI_COMPOSE_FOLLOW_H_

#include <atomic>
#include <string>
#include <vector>

#include "src/base/status.h"
#include "src/cli/compose_runtime.h"
#include "src/engine/container_store.h"

namespace mybuild::cli {

// The prefix of a container's lines: "<service>-<n>".
std::string LogPrefix(const engine::ContainerRecord& record);

// Prints the logs of `records` to stdout (with `follow`, until each has stopped).
Status PrintProjectLogs(ComposeRuntime& runtime, const std::vector<engine::ContainerRecord>& records, bool follow);

struct FollowOptions {
  bool abort_on_container_exit = false;
  std::string exit_code_from;
};
// `signalled`: set (to the signal) by the caller's SignalForwardScope, which is alive from before the
// first container starts, so that a Ctrl-C during the start stops what has started.
int FollowProject(ComposeRuntime& runtime, const std::string& project, const std::vector<std::string>& services,
                  const FollowOptions& options, const std::atomic<int>& signalled);

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_COMPOSE_FOLLOW_H_

// From a compose service (compose/service_run.h) to what `mybuild run -d` would be given for one of its
// containers (engine::RunOptions), so that compose starts containers through the same engine calls as
// `run -d`. Pure: the caller checks host paths and starts nothing until every service converted.
//
//   entrypoint [A, B…] → --entrypoint A, and B… before the command (docker's Entrypoint + Cmd);
//   environment (env_file first) → -e;  volumes → mounts (bind, named <project>_<key>, tmpfs);
//   networks → the network's namespace (network_holder.h) and /etc/hosts lines mapping every service,
//   alias and container name on it to 127.0.0.1; network_mode host|none as --network;
//   labels com.docker.compose.project / service / container-number / config-hash.
#ifndef MYBUILD_CLI_COMPOSE_RUN_OPTIONS_H_
#define MYBUILD_CLI_COMPOSE_RUN_OPTIONS_H_

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "src/base/status.h"
#include "src/compose/service_run.h"
#include "src/engine/container_spec.h"
#include "src/engine/tcp_forwarder.h"

namespace mybuild::cli {

inline constexpr const char* kConfigHashLabel = "com.docker.compose.config-hash";

using ServiceRuns = std::map<std::string, compose::ServiceRun>;

// The names that resolve to 127.0.0.1 on network `name` (its full name): each service on it, its
// aliases there and its containers' names; sorted, unique.
std::vector<std::string> NetworkHostNames(const ServiceRuns& runs, const std::string& project, const std::string& name);

// The network a service's containers join ("" for network_mode host/none); more than one is unsupported
// (a container is in one network namespace).
StatusOr<std::string> ServiceNetworkName(const compose::ServiceRun& run);

// Two services (or two replicas) on one network listening on the same target port of `ports:`, or
// two services publishing the same host port: an error naming both.
Status CheckPortConflicts(const ServiceRuns& runs);

// The ports the holder of network `name` publishes.
std::vector<engine::PublishedPort> NetworkPorts(const ServiceRuns& runs, const std::string& name);

struct ReplicaOptions {
  std::string project;
  int number = 1;
  std::filesystem::path network_dir;  // the service's network, or empty
  std::vector<std::string> host_names;
  std::string config_hash;
};
StatusOr<engine::RunOptions> ServiceRunOptions(const compose::ServiceRun& run, const ReplicaOptions& replica);

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_COMPOSE_RUN_OPTIONS_H_

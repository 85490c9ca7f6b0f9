// `mybuild compose ps [-a] [-q] [SERVICE…]` and `compose logs [-f] [SERVICE…]`: the project's containers
// (found by their com.docker.compose.project label) as docker compose lists them (NAME IMAGE COMMAND
// SERVICE CREATED STATUS PORTS; STATUS with "(healthy)", "(unhealthy)" or "(health: starting)" when
// the container has a health check) and their logs prefixed with "<service>-<n>  | ".
#ifndef MYBUILD_CLI_COMPOSE_PS_LOGS_H_
#define MYBUILD_CLI_COMPOSE_PS_LOGS_H_

#include <CLI/CLI.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "src/cli/compose_command.h"
#include "src/cli/global_options.h"
#include "src/engine/container_store.h"
#include "src/engine/health_prober.h"

namespace mybuild::cli {

// The STATUS column of compose ps.
std::string ComposeStatusText(const engine::ContainerRecord& record, const std::optional<engine::HealthState>& health,
                              int64_t now_nanos);

void AddComposePsLogsCommands(CLI::App& compose, const GlobalOptions& global, std::shared_ptr<ComposeOptions> options,
                              std::function<int()>& run);

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_COMPOSE_PS_LOGS_H_

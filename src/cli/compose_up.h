// `mybuild compose up [-d] [--build|--no-build] [--wait] [SERVICE…]` and `compose down [-v]
// [--remove-orphans]`: the project's containers started (and removed) through the engine calls `run -d`,
// `stop` and `rm` use, in one process.
//
// up: the selected services with their dependencies, in depends_on order. Images that are missing are
// built (one solve, compose_build.h; --build: all of them, --no-build: none); each network used gets its
// holder (network namespace + published ports, engine/network_holder.h); each service waits for its
// dependencies' conditions (service_started, service_healthy, service_completed_successfully) and then
// gets `scale` containers <project>-<service>-<n> (compose_run_options.h). A container that exists with
// the same configuration is started if it is not running; one whose configuration changed is recreated;
// numbers above the scale are removed. Without -d, every container's output follows, prefixed with its
// name, until Ctrl-C (or SIGTERM), which stops them all.
// down: the project's containers (found by label) stopped and removed, its network holders stopped, and
// with -v its named volumes removed.
#ifndef MYBUILD_CLI_COMPOSE_UP_H_
#define MYBUILD_CLI_COMPOSE_UP_H_

#include <CLI/CLI.hpp>

#include <functional>
#include <memory>

#include "src/cli/compose_command.h"
#include "src/cli/global_options.h"

namespace mybuild::cli {

void AddComposeUpDownCommands(CLI::App& compose, const GlobalOptions& global, std::shared_ptr<ComposeOptions> options,
                              std::function<int()>& run);

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_COMPOSE_UP_H_

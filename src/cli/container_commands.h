// The container lifecycle commands, with docker's flags and output: `ps [-a] [-q]`, `start [-a]`,
// `stop [-t N]`, `kill [-s SIG]`, `restart [-t N]`, `wait`, `rm [-f]`, `logs [-f] [--tail N]`, and the
// hidden `container-monitor` a detached container runs under (engine/container_monitor.h). What they do
// lives in src/engine (container_control.h, container_logs.h); this file parses flags and prints.
// Every command takes container names, ids or unique id prefixes. Exit status 0, or 1 with a one-line
// error as docker's (no such container, an ambiguous prefix, a container that is not running for kill);
// `wait` prints each container's exit code.
#ifndef MYBUILD_CLI_CONTAINER_COMMANDS_H_
#define MYBUILD_CLI_CONTAINER_COMMANDS_H_

#include <CLI/CLI.hpp>

#include <functional>

#include "src/cli/global_options.h"

namespace mybuild::cli {

void AddContainerCommands(CLI::App& app, const GlobalOptions& global, std::function<int()>& run);

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_CONTAINER_COMMANDS_H_

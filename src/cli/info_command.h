// `mybuild info` (like `docker info`: who mybuild runs as, its id maps, the snapshotter and why, the
// kernel's features, the state root's disk usage) and `mybuild doctor` (each missing piece of the set-up
// on one line with what to install or set; exit 1 when a build could not work). Their facts come from
// src/rootless/doctor.h.
#ifndef MYBUILD_CLI_INFO_COMMAND_H_
#define MYBUILD_CLI_INFO_COMMAND_H_

#include <CLI/CLI.hpp>

#include <functional>

#include "src/cli/global_options.h"

namespace mybuild::cli {

void AddInfoCommands(CLI::App& app, const GlobalOptions& global, std::function<int()>& run);

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_INFO_COMMAND_H_

// `mybuild volume ls [-q] | create NAME | rm NAME…` (docker volume's): named volumes under the state
// root (src/engine/volume_store.h). `rm` refuses a volume that a container mounts. Exit 0, or 1 with a
// one-line error.
#ifndef MYBUILD_CLI_VOLUME_COMMANDS_H_
#define MYBUILD_CLI_VOLUME_COMMANDS_H_

#include <CLI/CLI.hpp>

#include <functional>

#include "src/cli/global_options.h"

namespace mybuild::cli {

void AddVolumeCommands(CLI::App& app, const GlobalOptions& global, std::function<int()>& run);

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_VOLUME_COMMANDS_H_

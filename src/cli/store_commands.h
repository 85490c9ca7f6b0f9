// The local image store commands: import, load, images, tag, rmi, save.
#ifndef MYBUILD_CLI_STORE_COMMANDS_H_
#define MYBUILD_CLI_STORE_COMMANDS_H_

#include <CLI/CLI.hpp>

#include <functional>

#include "src/cli/global_options.h"

namespace mybuild::cli {

void AddStoreCommands(CLI::App& app, const GlobalOptions& global, std::function<int()>& run);

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_STORE_COMMANDS_H_

// The registry commands: pull (like docker pull) and push (like docker push).
#ifndef MYBUILD_CLI_REGISTRY_COMMANDS_H_
#define MYBUILD_CLI_REGISTRY_COMMANDS_H_

#include <CLI/CLI.hpp>

#include <functional>

#include "src/cli/global_options.h"

namespace mybuild::cli {

void AddRegistryCommands(CLI::App& app, const GlobalOptions& global, std::function<int()>& run);

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_REGISTRY_COMMANDS_H_

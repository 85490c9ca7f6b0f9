// `mybuild parse [-f FILE] [--json]`: prints the AST of a Dockerfile.
#ifndef MYBUILD_CLI_PARSE_COMMAND_H_
#define MYBUILD_CLI_PARSE_COMMAND_H_

#include <CLI/CLI.hpp>

#include <functional>

#include "src/cli/global_options.h"

namespace mybuild::cli {

// Adds the subcommand; `run` is set to the action to perform when it is chosen.
void AddParseCommand(CLI::App& app, const GlobalOptions& global, std::function<int()>& run);

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_PARSE_COMMAND_H_

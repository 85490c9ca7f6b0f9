// `mybuild exec [-i] [-t] [-e K=V] [-u USER] [-w DIR] CONTAINER COMMAND [ARG…]`: a process in a running
// container (src/engine/container_exec.h), with docker exec's flags. Exit status: the process's own,
// 128+N when it died of signal N, 126/127 when it could not be invoked or found, 125 when mybuild failed
// (an unknown container, one that is not running, a bad flag).
#ifndef MYBUILD_CLI_EXEC_COMMAND_H_
#define MYBUILD_CLI_EXEC_COMMAND_H_

#include <CLI/CLI.hpp>

#include <functional>

#include "src/cli/global_options.h"

namespace mybuild::cli {

void AddExecCommand(CLI::App& app, const GlobalOptions& global, std::function<int()>& run);

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_EXEC_COMMAND_H_

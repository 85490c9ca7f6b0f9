// `mybuild cp [-a] [-L] SRC DEST` (docker cp): files between a container (running or not) and the host,
// or a tar stream on stdin/stdout for "-" (src/engine/container_copy.h has the rules). Exit 0, or 1 with
// a one-line error.
#ifndef MYBUILD_CLI_COPY_COMMAND_H_
#define MYBUILD_CLI_COPY_COMMAND_H_

#include <CLI/CLI.hpp>

#include <functional>

#include "src/cli/global_options.h"

namespace mybuild::cli {

void AddCopyCommand(CLI::App& app, const GlobalOptions& global, std::function<int()>& run);

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_COPY_COMMAND_H_

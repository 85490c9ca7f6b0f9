// `mybuild commit [-a AUTHOR] [-m MESSAGE] [-c CHANGE]… CONTAINER [NAME[:TAG]]` (docker commit): the
// container's changes as a new image (src/engine/container_commit.h), tagged NAME[:TAG] when given;
// prints the new image's ID (sha256:<config digest>). Exit 0, or 1 with a one-line error.
#ifndef MYBUILD_CLI_COMMIT_COMMAND_H_
#define MYBUILD_CLI_COMMIT_COMMAND_H_

#include <CLI/CLI.hpp>

#include <functional>

#include "src/cli/global_options.h"

namespace mybuild::cli {

void AddCommitCommand(CLI::App& app, const GlobalOptions& global, std::function<int()>& run);

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_COMMIT_COMMAND_H_

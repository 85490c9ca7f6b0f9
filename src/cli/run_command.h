// `mybuild run [OPTIONS] IMAGE [COMMAND [ARG…]]`: a container in the foreground, with docker run's flags
// (src/engine/container_spec.h has their meanings, src/engine/container_runner.h what happens). This
// file parses the flags, wires the local store, the snapshotter and the puller into the engine, routes
// the process's signals to the container and prints.
//
// Exit status, as docker's: the container's own status, 128+N when it died of signal N, 125 when
// mybuild failed (a bad flag, a missing image, a -v host path that does not exist, an unknown user),
// 126 when the command could not be invoked, 127 when it was not found.
#ifndef MYBUILD_CLI_RUN_COMMAND_H_
#define MYBUILD_CLI_RUN_COMMAND_H_

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

#include "src/cli/global_options.h"

namespace mybuild::cli {

inline constexpr int kExitRunFailed = 125;

// CLI11 reads "--flag=" as "--flag" taking the next word; docker's `--entrypoint=""` means an empty
// value. Rewrites each "--flag=" among `command`'s options in args[from…] (up to the image, the first
// word that is not an option or an option's value) as "--flag" "".
std::vector<std::string> SplitEmptyValues(const CLI::App& command, std::vector<std::string> args, size_t from);

void AddRunCommand(CLI::App& app, const GlobalOptions& global, std::function<int()>& run);

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_RUN_COMMAND_H_

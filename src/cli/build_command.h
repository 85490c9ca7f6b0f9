// `mybuild [build] [flags] CONTEXT`: builds an image from a Dockerfile.
#ifndef MYBUILD_CLI_BUILD_COMMAND_H_
#define MYBUILD_CLI_BUILD_COMMAND_H_

#include <CLI/CLI.hpp>

#include <functional>

#include "src/cli/build_options.h"
#include "src/cli/global_options.h"

namespace mybuild::cli {

void AddBuildCommand(CLI::App& app, const GlobalOptions& global, std::function<int()>& run);

// --progress, --snapshotter and -j, as `build` and `compose build` share them.
void AddSolverFlags(CLI::App& command, std::string& progress, std::string& snapshotter, int& jobs);

// Runs a build; returns the process exit code. Errors are printed to stderr.
int RunBuild(const GlobalOptions& global, const BuildOptions& options);

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_BUILD_COMMAND_H_

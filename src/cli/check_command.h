// `mybuild check [--build-arg K=V]… [--summary] FILE…`: the build checks of several Dockerfiles in one
// process (docker has no such command: `build --check` takes one). For each file, its findings one per
// line ("warning: FILE:LINE:COL: Rule: message"; the .dockerignore beside the file applies), then a
// total; --summary adds the count per rule. Exit 0 unless a file cannot be read or parsed, an
// instruction would fail the build, or a file's `check=error=true` met a warning (then 1, after every
// file was checked).
#ifndef MYBUILD_CLI_CHECK_COMMAND_H_
#define MYBUILD_CLI_CHECK_COMMAND_H_

#include <CLI/CLI.hpp>

#include <functional>

#include "src/cli/global_options.h"

namespace mybuild::cli {

void AddCheckCommand(CLI::App& app, const GlobalOptions& global, std::function<int()>& run);

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_CHECK_COMMAND_H_

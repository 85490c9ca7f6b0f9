// The local image store commands: import, load, images, tag, rmi, save, inspect.
#ifndef MYBUILD_CLI_STORE_COMMANDS_H_
#define MYBUILD_CLI_STORE_COMMANDS_H_

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

#include "src/cli/global_options.h"
#include "src/cli/store_access.h"

namespace mybuild::cli {

// Unpacks stored images into the chain snapshots builds use (import, load and pull call it before
// tagging; see store_commands.cc).
Status UnpackForBuilds(const LocalStore& store, const std::string& snapshotter_choice,
                       const std::vector<Digest>& manifests);

// --snapshotter CHOICE for a command that unpacks images.
void AddSnapshotterOption(CLI::App& command, std::string& choice);

void AddStoreCommands(CLI::App& app, const GlobalOptions& global, std::function<int()>& run);

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_STORE_COMMANDS_H_

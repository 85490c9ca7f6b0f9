// `top CONTAINER`, `container prune [-f]`, `system df`, `system prune [-a] [-f] [--volumes]` (docker's).
//   top            the running container's processes (src/engine/container_top.h); exit 1 when it is
//                  not running
//   container prune  removes every container that is not running; asks first unless -f (docker's prompt,
//                  answered on stdin: anything but y/Y keeps everything)
//   system df      TYPE TOTAL ACTIVE SIZE RECLAIMABLE for images, containers, local volumes and the build
//                  cache (src/engine/disk_usage.h); the cache row is what `prune -a` would free
//   system prune   stopped containers, with --volumes the anonymous volumes no container mounts (named
//                  ones stay, as docker 23+), with -a every tag
//                  whose image no container uses, then `prune` (with -a: `prune -a`); asks unless -f
// Images a container uses are never untagged or collected (prune.h keeps them even after rmi).
#ifndef MYBUILD_CLI_CONTAINER_ADMIN_COMMANDS_H_
#define MYBUILD_CLI_CONTAINER_ADMIN_COMMANDS_H_

#include <CLI/CLI.hpp>

#include <functional>

#include "src/cli/global_options.h"

namespace mybuild::cli {

void AddTopCommand(CLI::App& app, const GlobalOptions& global, std::function<int()>& run);
void AddContainerPruneCommand(CLI::App& container_group, const GlobalOptions& global, std::function<int()>& run);
void AddSystemCommands(CLI::App& app, const GlobalOptions& global, std::function<int()>& run);

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_CONTAINER_ADMIN_COMMANDS_H_

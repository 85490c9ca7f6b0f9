// `mybuild compose pull [SERVICE…]` and `compose push [SERVICE…]`: the services' images through the
// functions `mybuild pull`/`push` use (image_transfer.h). pull takes every selected service with an
// `image:` (a service that only builds has nothing to pull and is skipped, saying so); push every
// selected service with `build:`, under its image name (`image:`, else <project>-<service>).
#ifndef MYBUILD_CLI_COMPOSE_TRANSFER_H_
#define MYBUILD_CLI_COMPOSE_TRANSFER_H_

#include <CLI/CLI.hpp>

#include <functional>
#include <memory>

#include "src/cli/compose_command.h"
#include "src/cli/global_options.h"

namespace mybuild::cli {

void AddComposeTransferCommands(CLI::App& compose, const GlobalOptions& global,
                                std::shared_ptr<ComposeOptions> options, std::function<int()>& run);

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_COMPOSE_TRANSFER_H_

// `mybuild compose build [SERVICE…]`: every service's image planned into ONE build graph and solved once.
// Each service's Dockerfile is planned as `mybuild build` plans it (build_pipeline.h); the graphs are
// appended into one (graph_merge.h), step names prefixed with the service, so that steps two services
// share (same base, same instructions, same context files) are one step and run once. Named contexts
// (`additional_contexts`): a directory is a local source of its own, docker-image://REF an image, and
// service:NAME the target of that service's graph, a real edge (FROM NAME / COPY --from=NAME read it).
// Every local context has its own worker behind a ContextRouter. One progress display, one summary; then
// each service's image is assembled and tagged (image:, else <project>-<service>, plus build.tags).
#ifndef MYBUILD_CLI_COMPOSE_BUILD_H_
#define MYBUILD_CLI_COMPOSE_BUILD_H_

#include <CLI/CLI.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "src/base/status.h"

#include "src/cli/compose_command.h"
#include "src/cli/global_options.h"

namespace mybuild::cli {

// `compose up`'s builds: the services named (with build:) in one solve, as `compose build SERVICE…` with
// no flags; progress on stderr.
Status BuildServicesForUp(const GlobalOptions& global, const compose::Project& project,
                          const std::vector<std::string>& services);

void AddComposeBuildCommand(CLI::App& compose, const GlobalOptions& global, std::shared_ptr<ComposeOptions> options,
                            std::function<int()>& run);

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_COMPOSE_BUILD_H_

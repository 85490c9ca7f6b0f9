// What `compose build` gives a build besides the Dockerfile: the services' build secrets and ssh agents
// (`build.secrets` against the top-level `secrets:`, `build.ssh`) and their caches (`build.cache_from`,
// `build.cache_to`), read and checked before anything is built, with the parsers `mybuild build` uses for
// --secret, --ssh, --cache-from and --cache-to.
//
// Secrets are per service: service A's secret must not reach a RUN of service B that mounts the same id.
// So the ids a service declares are qualified with the service's name ("web/token") both in the RunSecrets
// all workers share and in that service's RUN --mount=type=secret|ssh steps (QualifySecretMounts, applied
// while its graph is appended); an id the service does not declare keeps its name and finds nothing.
#ifndef MYBUILD_CLI_COMPOSE_BUILD_INPUTS_H_
#define MYBUILD_CLI_COMPOSE_BUILD_INPUTS_H_

#include <map>
#include <string>
#include <vector>

#include "src/base/status.h"
#include "src/cli/cache_spec.h"
#include "src/compose/build_plan.h"
#include "src/compose/project.h"
#include "src/graph/ops.h"
#include "src/worker/run_secrets.h"

namespace mybuild::cli {

std::string QualifiedSecretId(const std::string& service, const std::string& id);

// Every service's secrets (files read, variables looked up in the project's environment) and ssh
// agents, under their qualified ids.
StatusOr<worker::RunSecrets> LoadServiceSecrets(const compose::Project& project,
                                                const std::vector<compose::ServiceBuild>& builds);

// The secret and ssh mounts of `exec` whose ids `build` declares: the id qualified, and a secret's
// uid/gid/mode from the compose file where the RUN --mount does not set them.
void QualifySecretMounts(const compose::ServiceBuild& build, graph::ExecOp& exec);

// The caches of every service: the imports of all (one index for the one solve), the exports by service.
// A type mybuild does not have is a warning naming the key and is ignored, as the compose spec says;
// any other bad value is an error naming the key.
struct ServiceCaches {
  std::vector<CacheImportSpec> from;
  std::map<std::string, std::vector<CacheExportSpec>> to;
};
StatusOr<ServiceCaches> ParseServiceCaches(const std::vector<compose::ServiceBuild>& builds,
                                           std::vector<std::string>& warnings);

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_COMPOSE_BUILD_INPUTS_H_

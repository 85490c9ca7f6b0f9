// `mybuild compose [-f FILE]… [-p NAME] [--project-directory DIR] [--env-file FILE]… [--profile P]… COMMAND`:
// multi-service projects from compose files (src/compose has the file model).
//   config [--format yaml|json] [--services] [--images] [-q]   the resolved model, as docker compose prints it
//   build [SERVICE…] [--print] …                               every service's image in one build graph
//   up [-d] [SERVICE…] / down [-v] / ps [-a] / logs [-f]       the project's containers (compose_up.h,
//                                                              compose_ps_logs.h)
#ifndef MYBUILD_CLI_COMPOSE_COMMAND_H_
#define MYBUILD_CLI_COMPOSE_COMMAND_H_

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

#include "src/base/status.h"
#include "src/cli/global_options.h"
#include "src/compose/project.h"

namespace mybuild::cli {

struct ComposeOptions {
  std::vector<std::string> files;
  std::string project_name;
  std::string project_directory;
  std::vector<std::string> env_files;
  std::vector<std::string> profiles;
};

// The project the compose options name, from the current directory and the process environment;
// warnings go to stderr.
StatusOr<compose::Project> LoadComposeProject(const ComposeOptions& options);

void AddComposeCommand(CLI::App& app, const GlobalOptions& global, std::function<int()>& run);

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_COMPOSE_COMMAND_H_

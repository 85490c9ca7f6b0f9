#include "src/cli/compose_command.h"

#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <memory>

#include "src/cli/compose_build.h"
#include "src/cli/compose_ps_logs.h"
#include "src/cli/compose_up.h"
#include "src/cli/compose_transfer.h"
#include "src/cli/exit_codes.h"
#include "src/compose/config_output.h"
#include "src/compose/project_loader.h"

extern char** environ;

namespace mybuild::cli {
namespace {

struct ConfigOptions {
  std::string format = "yaml";
  bool services = false;
  bool images = false;
  bool quiet = false;
};

std::map<std::string, std::string> ProcessEnvironment() {
  std::map<std::string, std::string> out;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string text = *entry;
    const size_t equals = text.find('=');
    if (equals != std::string::npos && equals > 0) out[text.substr(0, equals)] = text.substr(equals + 1);
  }
  return out;
}

int RunConfig(const ComposeOptions& compose, const ConfigOptions& options) {
  StatusOr<compose::Project> project = LoadComposeProject(compose);
  if (!project.ok()) {
    std::cerr << "error: " << project.status().ToString() << "\n";
    return kExitFailure;
  }
  if (options.quiet) return kExitOk;
  if (options.services) {
    for (const auto& [name, service] : project->services) std::cout << name << "\n";
    return kExitOk;
  }
  if (options.images) {
    for (const auto& [name, service] : project->services) std::cout << project->ImageName(service) << "\n";
    return kExitOk;
  }
  if (options.format == "json") {
    std::cout << compose::ModelToJsonText(project->model) << "\n";
  } else {
    std::cout << compose::ModelToYaml(project->model);
  }
  return kExitOk;
}

}  // namespace

StatusOr<compose::Project> LoadComposeProject(const ComposeOptions& options) {
  compose::LoadOptions load;
  load.files = options.files;
  load.project_name = options.project_name;
  load.project_directory = options.project_directory;
  load.env_files = options.env_files;
  load.profiles = options.profiles;
  std::error_code error;
  load.cwd = std::filesystem::current_path(error);
  if (error) return ErrnoError("getcwd", error.value());
  load.process_environment = ProcessEnvironment();
  load.warn = [](const std::string& message) { std::cerr << "warning: " << message << "\n"; };
  return compose::LoadProject(load);
}

void AddComposeCommand(CLI::App& app, const GlobalOptions& global, std::function<int()>& run) {
  auto options = std::make_shared<ComposeOptions>();
  CLI::App* command = app.add_subcommand("compose", "Build and run multi-service projects from compose files");
  command->require_subcommand(1);
  command->add_option("-f,--file", options->files, "Compose file (repeatable; default: compose.yaml in . or a parent)");
  command->add_option("-p,--project-name", options->project_name, "Project name (default: the directory's name)");
  command->add_option("--project-directory", options->project_directory,
                      "Project directory (default: the first compose file's directory)");
  command->add_option("--env-file", options->env_files, "Environment file instead of PROJECT_DIR/.env (repeatable)");
  command->add_option("--profile", options->profiles, "Enable services of this profile (repeatable)");

  auto config = std::make_shared<ConfigOptions>();
  CLI::App* config_command = command->add_subcommand("config", "Print the resolved compose model");
  config_command->add_option("--format", config->format, "Output format: yaml or json")
      ->check(CLI::IsMember({"yaml", "json"}));
  config_command->add_flag("--services", config->services, "Print the service names, one per line");
  config_command->add_flag("--images", config->images, "Print the image names, one per line");
  config_command->add_flag("-q,--quiet", config->quiet, "Only validate the configuration");
  config_command->callback([options, config, &run] { run = [options, config] { return RunConfig(*options, *config); }; });

  AddComposeBuildCommand(*command, global, options, run);
  AddComposeTransferCommands(*command, global, options, run);
  AddComposeUpDownCommands(*command, global, options, run);
  AddComposePsLogsCommands(*command, global, options, run);
}

}  // namespace mybuild::cli

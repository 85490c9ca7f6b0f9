#include "src/cli/compose_transfer.h"

#include <iostream>
#include <string>
#include <vector>

#include "src/cli/exit_codes.h"
#include "src/cli/image_transfer.h"
#include "src/cli/store_commands.h"
#include "src/image/reference.h"

namespace mybuild::cli {
namespace {

struct TransferOptions {
  bool push = false;
  std::vector<std::string> services;
  bool quiet = false;
  bool insecure = false;
  bool ignore_failures = false;  // pull --ignore-pull-failures / push --ignore-push-failures
  std::string snapshotter = "auto";
};

int RunTransfer(const GlobalOptions& global, const ComposeOptions& compose_options, const TransferOptions& options) {
  StatusOr<compose::Project> project = LoadComposeProject(compose_options);
  if (!project.ok()) {
    std::cerr << "error: " << project.status().ToString() << "\n";
    return kExitFailure;
  }
  std::vector<std::string> selected = options.services;
  for (const std::string& name : selected) {
    if (!project->services.count(name)) {
      std::cerr << "error: no such service: \"" << name << "\"\n";
      return kExitFailure;
    }
  }
  if (selected.empty()) {
    for (const auto& [name, service] : project->services) selected.push_back(name);
  }
  StatusOr<LocalStore> store = OpenLocalStore(global);
  if (!store.ok()) {
    std::cerr << "error: " << store.status().ToString() << "\n";
    return kExitFailure;
  }
  RegistryAccess access;
  access.insecure = options.insecure;
  if (!options.quiet) access.log = [](const std::string& line) { std::cerr << line << "\n" << std::flush; };
  int exit_code = kExitOk;
  for (const std::string& name : selected) {
    const compose::Service& service = project->services.at(name);
    if (options.push ? !service.build.has_value() : service.image.empty()) {
      if (!options.quiet) {
        std::cerr << "service " << name << ": " << (options.push ? "no build: section, nothing to push" : "no image:, nothing to pull")
                  << "\n";
      }
      continue;
    }
    const std::string reference = project->ImageName(service);
    StatusOr<std::string> normalized = options.push ? NormalizeTagName(reference) : image::NormalizeReference(reference);
    Status done = normalized.status();
    Digest digest;
    if (done.ok() && options.push) {
      StatusOr<PushOutcome> pushed = PushImage(*store, *normalized, access);
      done = pushed.status();
      if (pushed.ok()) digest = pushed->manifest;
    } else if (done.ok()) {
      StatusOr<PullOutcome> pulled = PullImage(*store, *normalized, access, options.snapshotter);
      done = pulled.status();
      if (pulled.ok()) digest = pulled->manifest;
    }
    if (!done.ok()) {
      std::cerr << (options.ignore_failures ? "warning: " : "error: ") << "service " << name << ": "
                << done.ToString() << "\n";
      if (!options.ignore_failures) exit_code = kExitFailure;
      continue;
    }
    std::cout << name << " " << *normalized << "@" << digest.ToString() << "\n";
  }
  return exit_code;
}

void AddTransfer(CLI::App& compose, const GlobalOptions& global, std::shared_ptr<ComposeOptions> compose_options,
                 std::function<int()>& run, bool push) {
  auto options = std::make_shared<TransferOptions>();
  options->push = push;
  CLI::App* command = push ? compose.add_subcommand("push", "Push the images the services build")
                           : compose.add_subcommand("pull", "Pull the services' images");
  command->add_option("services", options->services, "Services (default: all)");
  command->add_flag("-q,--quiet", options->quiet, "Print no progress");
  command->add_flag("--insecure", options->insecure, "Use plain http for every registry");
  command->add_flag(push ? "--ignore-push-failures" : "--ignore-pull-failures", options->ignore_failures,
                    "Go on (and succeed) when an image fails");
  if (!push) AddSnapshotterOption(*command, options->snapshotter);
  command->callback([options, compose_options, &global, &run] {
    run = [options, compose_options, &global] { return RunTransfer(global, *compose_options, *options); };
  });
}

}  // namespace

void AddComposeTransferCommands(CLI::App& compose, const GlobalOptions& global,
                                std::shared_ptr<ComposeOptions> options, std::function<int()>& run) {
  AddTransfer(compose, global, options, run, false);
  AddTransfer(compose, global, options, run, true);
}

}  // namespace mybuild::cli

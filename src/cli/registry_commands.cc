#include "src/cli/registry_commands.h"

#include <iostream>
#include <memory>
#include <string>

#include "src/cli/exit_codes.h"
#include "src/cli/image_transfer.h"
#include "src/cli/registry_access.h"
#include "src/cli/store_access.h"
#include "src/cli/store_commands.h"
#include "src/image/reference.h"

namespace mybuild::cli {
namespace {

int Fail(const Status& status) {
  std::cerr << "error: " << status.ToString() << "\n";
  return kExitFailure;
}

struct PullOptions {
  std::string reference;
  bool quiet = false;
  bool insecure = false;
  std::string snapshotter = "auto";
};

// Pulls into the store, unpacks for builds, then tags (a failed pull tags nothing), as docker pull
// prints: progress, "Digest: …", "Status: …", the reference.
int RunPull(const GlobalOptions& global, const PullOptions& options) {
  StatusOr<std::string> name = image::NormalizeReference(options.reference);
  if (!name.ok()) return Fail(name.status());
  StatusOr<LocalStore> store = OpenLocalStore(global);
  if (!store.ok()) return Fail(store.status());
  RegistryAccess access;
  access.insecure = options.insecure;
  if (!options.quiet) access.log = [](const std::string& line) { std::cout << line << "\n" << std::flush; };
  StatusOr<PullOutcome> pulled = PullImage(*store, *name, access, options.snapshotter);
  if (!pulled.ok()) return Fail(pulled.status());
  if (!options.quiet) {
    std::cout << "Digest: " << pulled->manifest.ToString() << "\n"
              << "Status: " << (pulled->up_to_date ? "Image is up to date for " : "Downloaded newer image for ")
              << FamiliarName(*name) << "\n";
  }
  std::cout << *name << "\n";
  return kExitOk;
}

struct PushOptions {
  std::string reference;
  bool quiet = false;
  bool insecure = false;
};

int RunPush(const GlobalOptions& global, const PushOptions& options) {
  StatusOr<std::string> name = NormalizeTagName(options.reference);
  if (!name.ok()) return Fail(name.status());
  StatusOr<LocalStore> store = OpenLocalStore(global);
  if (!store.ok()) return Fail(store.status());
  RegistryAccess access;
  access.insecure = options.insecure;
  if (!options.quiet) access.log = [](const std::string& line) { std::cout << line << "\n" << std::flush; };
  StatusOr<PushOutcome> pushed = PushImage(*store, *name, access);
  if (!pushed.ok()) return Fail(pushed.status());
  std::cout << image::ParseReference(*name)->tag << ": digest: " << pushed->manifest.ToString()
            << " size: " << pushed->size << "\n";
  return kExitOk;
}

}  // namespace

void AddRegistryCommands(CLI::App& app, const GlobalOptions& global, std::function<int()>& run) {
  {
    auto options = std::make_shared<PullOptions>();
    CLI::App* command = app.add_subcommand("pull", "Download an image from a registry into the store (like docker pull)");
    command->add_option("reference", options->reference, "NAME[:TAG|@DIGEST]")->required();
    command->add_flag("-q,--quiet", options->quiet, "Print only the image reference");
    command->add_flag("--insecure", options->insecure, "Use plain http for this registry");
    AddSnapshotterOption(*command, options->snapshotter);
    command->callback([options, &global, &run] { run = [options, &global] { return RunPull(global, *options); }; });
  }
  {
    auto options = std::make_shared<PushOptions>();
    CLI::App* command = app.add_subcommand("push", "Upload an image of the store to a registry (like docker push)");
    command->add_option("reference", options->reference, "NAME[:TAG] of a stored image")->required();
    command->add_flag("-q,--quiet", options->quiet, "Print only the pushed digest line");
    command->add_flag("--insecure", options->insecure, "Use plain http for this registry");
    command->callback([options, &global, &run] { run = [options, &global] { return RunPush(global, *options); }; });
  }
}

}  // namespace mybuild::cli

#include "src/cli/volume_commands.h"

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "src/cli/exit_codes.h"
#include "src/cli/store_access.h"
#include "src/cli/store_format.h"
#include "src/engine/container_store.h"
#include "src/engine/container_volumes.h"
#include "src/engine/volume_store.h"

namespace mybuild::cli {
namespace {

int Failed(const Status& status) {
  std::cerr << "error: " << status.ToString() << "\n";
  return kExitFailure;
}

StatusOr<engine::VolumeStore> OpenVolumes(const GlobalOptions& global) {
  const std::filesystem::path root = std::filesystem::absolute(ResolveRoot(global));
  MB_RETURN_IF_ERROR(MakePrivateDir(root));
  return engine::VolumeStore::Open(root);
}

}  // namespace

void AddVolumeCommands(CLI::App& app, const GlobalOptions& global, std::function<int()>& run) {
  CLI::App* volume = app.add_subcommand("volume", "Manage named volumes (like docker volume)");
  volume->require_subcommand(1);

  auto quiet = std::make_shared<bool>(false);
  CLI::App* ls = volume->add_subcommand("ls", "List volumes");
  ls->alias("list");
  ls->add_flag("-q,--quiet", *quiet, "Only display volume names");
  ls->callback([quiet, &global, &run] {
    run = [quiet, &global] {
      StatusOr<engine::VolumeStore> volumes = OpenVolumes(global);
      if (!volumes.ok()) return Failed(volumes.status());
      StatusOr<std::vector<std::string>> names = volumes->List();
      if (!names.ok()) return Failed(names.status());
      if (*quiet) {
        for (const std::string& name : *names) std::cout << name << "\n";
        return kExitOk;
      }
      std::vector<std::vector<std::string>> rows = {{"DRIVER", "VOLUME NAME"}};
      for (const std::string& name : *names) rows.push_back({"local", name});
      std::cout << FormatTable(rows);
      return kExitOk;
    };
  });

  auto created = std::make_shared<std::string>();
  CLI::App* create = volume->add_subcommand("create", "Create a volume");
  create->add_option("name", *created, "Volume name")->required();
  create->callback([created, &global, &run] {
    run = [created, &global] {
      StatusOr<engine::VolumeStore> volumes = OpenVolumes(global);
      if (!volumes.ok()) return Failed(volumes.status());
      StatusOr<cache::FileLock> lock = volumes->Lock();
      if (!lock.ok()) return Failed(lock.status());
      bool made = false;
      StatusOr<std::filesystem::path> data = volumes->Ensure(*created, made);
      if (!data.ok()) return Failed(data.status());
      std::cout << *created << "\n";
      return kExitOk;
    };
  });

  auto removed = std::make_shared<std::vector<std::string>>();
  CLI::App* rm = volume->add_subcommand("rm", "Remove one or more volumes");
  rm->alias("remove");
  rm->add_option("names", *removed, "Volume names")->required();
  rm->callback([removed, &global, &run] {
    run = [removed, &global] {
      StatusOr<engine::VolumeStore> volumes = OpenVolumes(global);
      if (!volumes.ok()) return Failed(volumes.status());
      StatusOr<engine::ContainerStore> containers =
          engine::ContainerStore::Open(std::filesystem::absolute(ResolveRoot(global)));
      if (!containers.ok()) return Failed(containers.status());
      int exit_code = kExitOk;
      for (const std::string& name : *removed) {
        Status done = engine::RemoveVolume(*volumes, *containers, name);
        if (done.ok()) {
          std::cout << name << "\n";
        } else {
          exit_code = Failed(done);
        }
      }
      return exit_code;
    };
  });
}

}  // namespace mybuild::cli

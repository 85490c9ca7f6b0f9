// What `compose up/down/ps/logs` act on: the state root's store, snapshotter and containers (wired as
// `run -d` and `ps` wire them), and the project's resources found by their labels
// (com.docker.compose.project) and names, as docker compose finds them.
#ifndef MYBUILD_CLI_COMPOSE_RUNTIME_H_
#define MYBUILD_CLI_COMPOSE_RUNTIME_H_

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "snapshotter/snapshotter.h"
#include "src/base/status.h"
#include "src/cli/global_options.h"
#include "src/cli/store_access.h"
#include "src/cli/store_image_source.h"
#include "src/engine/container_control.h"
#include "src/engine/container_store.h"
#include "src/engine/monitor_launch.h"

namespace mybuild::cli {

struct ComposeRuntime {
  LocalStore store;
  ScratchDir scratch;
  std::unique_ptr<snapshotter::Snapshotter> snapshots;
  std::unique_ptr<StoreImageSource> images;
  engine::ContainerStore containers;
  std::unique_ptr<engine::ExecMonitorLauncher> launcher;
  std::unique_ptr<engine::ContainerControl> control;
  std::filesystem::path monitor_program;  // mybuild-monitor beside this program (network holders)

  static StatusOr<std::unique_ptr<ComposeRuntime>> Open(const GlobalOptions& global);

  // The containers labelled with `project`, by service then container number.
  StatusOr<std::vector<engine::ContainerRecord>> ProjectContainers(const std::string& project);
  // The network directories of `project` (each holds a "project" file naming it).
  StatusOr<std::vector<std::filesystem::path>> ProjectNetworkDirs(const std::string& project);

 private:
  ComposeRuntime(LocalStore opened, engine::ContainerStore containers_store)
      : store(std::move(opened)), containers(std::move(containers_store)) {}
};

// The value of `key` among the record's labels ("" when it has none).
std::string LabelOf(const engine::ContainerRecord& record, const std::string& key);
int ContainerNumber(const engine::ContainerRecord& record);

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_COMPOSE_RUNTIME_H_

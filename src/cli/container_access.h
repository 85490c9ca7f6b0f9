// The state root's containers as the container commands use them: the store, wired to the real
// monitor launcher and the root's snapshotters (ContainerControl).
#ifndef MYBUILD_CLI_CONTAINER_ACCESS_H_
#define MYBUILD_CLI_CONTAINER_ACCESS_H_

#include <filesystem>
#include <memory>

#include "src/base/status.h"
#include "src/cli/global_options.h"
#include "src/engine/container_control.h"
#include "src/engine/container_store.h"
#include "src/engine/monitor_launch.h"

namespace mybuild::cli {

struct Containers {
  std::filesystem::path root;
  engine::ContainerStore store;
  engine::ExecMonitorLauncher launcher;
  engine::ContainerControl control;

  // The root chosen by `global` (created 0700 when missing).
  static StatusOr<std::unique_ptr<Containers>> Open(const GlobalOptions& global);
  // The existing root `root`.
  static StatusOr<std::unique_ptr<Containers>> OpenRoot(const std::filesystem::path& root);

 private:
  Containers(std::filesystem::path root_dir, engine::ContainerStore opened);
};

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_CONTAINER_ACCESS_H_

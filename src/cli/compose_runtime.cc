#include "src/cli/compose_runtime.h"

#include <algorithm>

#include "src/base/files.h"
#include "src/compose/service_run.h"
#include "src/engine/network_holder.h"

namespace mybuild::cli {

std::string LabelOf(const engine::ContainerRecord& record, const std::string& key) {
  auto found = record.labels.find(key);
  return found == record.labels.end() ? std::string() : found->second;
}

int ContainerNumber(const engine::ContainerRecord& record) {
  return std::atoi(LabelOf(record, compose::kNumberLabel).c_str());
}

StatusOr<std::unique_ptr<ComposeRuntime>> ComposeRuntime::Open(const GlobalOptions& global) {
  MB_ASSIGN_OR_RETURN(LocalStore store, OpenLocalStore(global));
  store.root = std::filesystem::absolute(store.root);
  MB_ASSIGN_OR_RETURN(engine::ContainerStore containers, engine::ContainerStore::Open(store.root));
  std::unique_ptr<ComposeRuntime> runtime(new ComposeRuntime(std::move(store), std::move(containers)));
  MB_ASSIGN_OR_RETURN(runtime->scratch, ScratchDir::Create(runtime->store.root));
  MB_ASSIGN_OR_RETURN(runtime->snapshots, OpenSnapshotter(runtime->store.root, "auto"));
  runtime->images = std::make_unique<StoreImageSource>(runtime->store);
  runtime->launcher = std::make_unique<engine::ExecMonitorLauncher>(runtime->store.root);
  const std::filesystem::path root = runtime->store.root;
  runtime->control = std::make_unique<engine::ContainerControl>(
      runtime->containers, *runtime->launcher, [root](const std::string& choice) { return OpenSnapshotter(root, choice); });
  std::error_code error;
  runtime->monitor_program = std::filesystem::read_symlink("/proc/self/exe", error).parent_path() / "mybuild-monitor";
  return runtime;
}

StatusOr<std::vector<engine::ContainerRecord>> ComposeRuntime::ProjectContainers(const std::string& project) {
  MB_ASSIGN_OR_RETURN(std::vector<engine::ContainerRecord> all, control->List());
  std::vector<engine::ContainerRecord> out;
  for (engine::ContainerRecord& record : all) {
    if (LabelOf(record, compose::kProjectLabel) == project) out.push_back(std::move(record));
  }
  std::stable_sort(out.begin(), out.end(), [](const engine::ContainerRecord& a, const engine::ContainerRecord& b) {
    const std::string sa = LabelOf(a, compose::kServiceLabel), sb = LabelOf(b, compose::kServiceLabel);
    return sa != sb ? sa < sb : ContainerNumber(a) < ContainerNumber(b);
  });
  return out;
}

StatusOr<std::vector<std::filesystem::path>> ComposeRuntime::ProjectNetworkDirs(const std::string& project) {
  MB_ASSIGN_OR_RETURN(std::vector<std::string> names, engine::ListNetworks(store.root));
  std::vector<std::filesystem::path> out;
  for (const std::string& name : names) {
    const std::filesystem::path dir = engine::NetworkDir(store.root, name);
    StatusOr<std::optional<std::string>> owner = ReadFileIfPresent(dir / "project", 4096);
    if (owner.ok() && *owner && **owner == project + "\n") out.push_back(dir);
  }
  return out;
}

}  // namespace mybuild::cli

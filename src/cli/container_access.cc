#include "src/cli/container_access.h"

#include "src/cli/store_access.h"

namespace mybuild::cli {

StatusOr<std::unique_ptr<Containers>> Containers::Open(const GlobalOptions& global) {
  std::filesystem::path root = std::filesystem::absolute(ResolveRoot(global));
  MB_RETURN_IF_ERROR(MakePrivateDir(root));
  return OpenRoot(root);
}

StatusOr<std::unique_ptr<Containers>> Containers::OpenRoot(const std::filesystem::path& root) {
  MB_ASSIGN_OR_RETURN(engine::ContainerStore store, engine::ContainerStore::Open(root));
  return std::unique_ptr<Containers>(new Containers(root, std::move(store)));
}

Containers::Containers(std::filesystem::path root_dir, engine::ContainerStore opened)
    : root(std::move(root_dir)),
      store(std::move(opened)),
      launcher(root),
      control(store, launcher, [root = root](const std::string& choice) { return OpenSnapshotter(root, choice); }) {}

}  // namespace mybuild::cli

#include "src/engine/container_detach.h"

namespace mybuild::engine {

StatusOr<DetachedResult> RunDetached(const CreateDeps& deps, const RunOptions& options, MonitorLauncher& launcher) {
  MB_ASSIGN_OR_RETURN(NewContainer created, CreateContainer(deps, options));
  const ContainerRecord& record = created.record;
  StatusOr<std::vector<snapshotter::Mount>> prepared = deps.snapshots->Prepare(record.snapshot, created.parent_snapshot);
  if (!prepared.ok()) {
    MB_ASSIGN_OR_RETURN(ContainerStore store, ContainerStore::Open(deps.root));
    store.Remove(record.id).IgnoreError();
    return prepared.status();
  }
  DetachedResult result;
  result.id = record.id;
  result.start_error = launcher.Launch(record.id);
  return result;
}

}  // namespace mybuild::engine

// `run -d`: a container created (container_create.h), its writable snapshot prepared, and started by a
// monitor (monitor_launch.h, container_monitor.h) that holds it after this call returns.
#ifndef MYBUILD_ENGINE_CONTAINER_DETACH_H_
#define MYBUILD_ENGINE_CONTAINER_DETACH_H_

#include <string>

#include "src/base/status.h"
#include "src/engine/container_create.h"
#include "src/engine/monitor_launch.h"

namespace mybuild::engine {

struct DetachedResult {
  std::string id;
  // Why its command could not start (kNotFound, kPermissionDenied: docker's 127, 126); the container
  // stays, "exited", as docker leaves it (unless --rm).
  Status start_error;
};

// An error means nothing was created (a bad image, a name in use …).
StatusOr<DetachedResult> RunDetached(const CreateDeps& deps, const RunOptions& options, MonitorLauncher& launcher);

}  // namespace mybuild::engine

#endif  // MYBUILD_ENGINE_CONTAINER_DETACH_H_

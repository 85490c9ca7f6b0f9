// Pinning a running container's PID 1 with a pidfd, taken under the container's lock while its monitor
// lives: the PID is then the monitor's unreaped child, never a recycled one (container_control.h).
// exec, cp and top reach the container's files and processes through it.
#ifndef MYBUILD_ENGINE_CONTAINER_PIN_H_
#define MYBUILD_ENGINE_CONTAINER_PIN_H_

#include <string>

#include "src/base/status.h"
#include "src/base/unique_fd.h"
#include "src/engine/container_store.h"

namespace mybuild::engine {

// The pidfd of container `id`'s PID 1, `record` loaded under its lock. kFailedPrecondition "container
// … is not running" when it is not.
StatusOr<UniqueFd> PinRunningContainer(ContainerStore& store, const std::string& id, ContainerRecord& record);

// Whether the process of `pidfd` is still alive.
bool PidfdAlive(int pidfd);

}  // namespace mybuild::engine

#endif  // MYBUILD_ENGINE_CONTAINER_PIN_H_

// A container's health as its monitor records it (health_prober.h), for `compose ps` and for
// depends_on: condition: service_healthy / `up --wait`.
#ifndef MYBUILD_ENGINE_CONTAINER_HEALTH_H_
#define MYBUILD_ENGINE_CONTAINER_HEALTH_H_

#include <optional>
#include <string>

#include "src/base/status.h"
#include "src/engine/container_store.h"
#include "src/engine/health_prober.h"

namespace mybuild::engine {

// nullopt when the container has no health check (or none has been recorded yet).
std::optional<HealthState> ReadHealth(const ContainerStore& store, const ContainerRecord& record);

// Blocks until the container is healthy. kNotFound when it has no health check; kFailedPrecondition
// when it is unhealthy or not running.
Status WaitHealthy(ContainerStore& store, const std::string& id);

}  // namespace mybuild::engine

#endif  // MYBUILD_ENGINE_CONTAINER_HEALTH_H_

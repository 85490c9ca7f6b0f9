// `logs [-f] [--tail N]`: a container's log entries (container_log.h), the last `tail` of them (all
// when nullopt), then with `follow` every new one as it is written, until the container is not running
// (nothing holds its monitor.lock) and the log is read to its end. A container that never ran has no
// log: nothing to show.
#ifndef MYBUILD_ENGINE_CONTAINER_LOGS_H_
#define MYBUILD_ENGINE_CONTAINER_LOGS_H_

#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "src/base/status.h"
#include "src/engine/container_log.h"
#include "src/engine/container_store.h"

namespace mybuild::engine {

Status ReadContainerLogs(const ContainerStore& store, const std::string& id, std::optional<size_t> tail, bool follow,
                         const std::function<void(const LogEntry&)>& emit);

}  // namespace mybuild::engine

#endif  // MYBUILD_ENGINE_CONTAINER_LOGS_H_

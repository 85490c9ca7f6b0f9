// How `mybuild ps` shows containers, as `docker ps` does: durations in words (HumanDuration,
// store_format.h), the STATUS column ("Created",
// "Up 3 seconds", "Exited (0) 2 seconds ago"), the COMMAND column (quoted, cut to 20 characters with
// "…"), and the table (FormatTable, store_format.h).
#ifndef MYBUILD_CLI_CONTAINER_FORMAT_H_
#define MYBUILD_CLI_CONTAINER_FORMAT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "src/engine/container_store.h"

namespace mybuild::cli {

// At `now_nanos`.
std::string ContainerStatusText(const engine::ContainerState& state, int64_t now_nanos);
std::string CommandText(const std::vector<std::string>& args);
// Header + one row per container, at `now_nanos`.
std::string FormatContainerTable(const std::vector<engine::ContainerRecord>& records, int64_t now_nanos);

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_CONTAINER_FORMAT_H_

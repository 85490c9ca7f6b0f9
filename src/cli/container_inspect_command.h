// Inspecting containers: `container inspect NAME…` (containers only) and, for `inspect` (which tries a
// container before an image, as docker inspect does), the JSON of one container
// (src/engine/container_inspect.h). JSON only: there is no --format (the image inspect has none either).
#ifndef MYBUILD_CLI_CONTAINER_INSPECT_COMMAND_H_
#define MYBUILD_CLI_CONTAINER_INSPECT_COMMAND_H_

#include <CLI/CLI.hpp>

#include <functional>
#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "src/base/status.h"
#include "src/cli/global_options.h"
#include "src/cli/store_access.h"

namespace mybuild::cli {

// The JSON of the container `reference` names; nullopt when it names none (an ambiguous id prefix is an
// error).
StatusOr<std::optional<nlohmann::ordered_json>> InspectContainerJson(const LocalStore& store, std::string_view reference);

// `container inspect` under the `container` command group.
void AddContainerInspectCommand(CLI::App& container_group, const GlobalOptions& global, std::function<int()>& run);

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_CONTAINER_INSPECT_COMMAND_H_

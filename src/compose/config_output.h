// `compose config`: the canonical model printed as docker compose prints it. JSON has compose-go's field
// names and order (a service's fields in the order of its ServiceConfig, `command` and `entrypoint`
// always present, null when unset; other mappings sorted by key) and its value types (booleans,
// integers where compose-go has them; strings otherwise). YAML is the same tree, without the nulls and
// empty mappings that compose-go's YAML omits.
#ifndef MYBUILD_COMPOSE_CONFIG_OUTPUT_H_
#define MYBUILD_COMPOSE_CONFIG_OUTPUT_H_

#include <nlohmann/json.hpp>

#include <string>

#include "src/compose/yaml_value.h"

namespace mybuild::compose {

nlohmann::ordered_json ModelToJson(const Value& model);

// ModelToJson as `compose config --format json` prints it (indented by 2). Strings that are not valid
// UTF-8 (a compose file's or an env file's bytes are not checked) get U+FFFD, as Go's json.Marshal does.
std::string ModelToJsonText(const Value& model);

std::string ModelToYaml(const Value& model);

}  // namespace mybuild::compose

#endif  // MYBUILD_COMPOSE_CONFIG_OUTPUT_H_

// The compose-spec schema, as far as mybuild checks it: the known keys of every object (an unknown key
// is an error naming the nearest known one; `x-` keys are extensions and never checked) and the shape
// of the values (a mapping, a sequence, a string, a boolean, an integer …).
// Errors: "FILE:LINE:COL: services.web.build.args: expected a mapping or a list of KEY=VALUE strings,
// got a string" and "FILE:LINE:COL: services.web: unknown key \"imgae\" (did you mean \"image\"?)".
#ifndef MYBUILD_COMPOSE_SCHEMA_H_
#define MYBUILD_COMPOSE_SCHEMA_H_

#include "src/base/status.h"
#include "src/compose/yaml_value.h"

namespace mybuild::compose {

// Checks a whole (merged, interpolated) model. The first error is returned.
Status ValidateModel(const Value& model);

// Whether a plain scalar spells a YAML boolean as compose-go reads it (true/false in any case).
bool ParseBool(const Value& value, bool* out);

}  // namespace mybuild::compose

#endif  // MYBUILD_COMPOSE_SCHEMA_H_

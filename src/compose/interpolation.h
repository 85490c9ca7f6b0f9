// Variable interpolation in compose files, as compose-go does it:
//   $$            a literal $
//   $VAR ${VAR}   the value, or empty (with a warning) when VAR is unset
//   ${VAR:-d}     d when VAR is unset or empty        ${VAR-d}   d when VAR is unset
//   ${VAR:?e}     error e when VAR is unset or empty  ${VAR?e}   error e when VAR is unset
//   ${VAR:+a}     a when VAR is set and not empty     ${VAR+a}   a when VAR is set
// Defaults, alternatives and messages are interpolated themselves (`${A:-${B}}`). A `$` that starts none
// of these (`$1`, `$ `) stays as written; `${}` or `${A%b}` is an error.
#ifndef MYBUILD_COMPOSE_INTERPOLATION_H_
#define MYBUILD_COMPOSE_INTERPOLATION_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/base/status.h"
#include "src/compose/yaml_value.h"

namespace mybuild::compose {

// The value of a variable, or nullopt when it is unset.
using VariableLookup = std::function<std::optional<std::string>(const std::string&)>;

struct InterpolationResult {
  std::string text;
  std::vector<std::string> unset;  // variables used without a value and without a default
};

StatusOr<InterpolationResult> Interpolate(std::string_view text, const VariableLookup& lookup);

// Interpolates every scalar value (not the keys) of `value` in place. Errors carry the scalar's location
// and its key path ("services.web.image: required variable TAG is missing a value: set it").
// Unset variables are reported once each through `warn`.
Status InterpolateTree(Value& value, const VariableLookup& lookup, const std::function<void(const std::string&)>& warn);

}  // namespace mybuild::compose

#endif  // MYBUILD_COMPOSE_INTERPOLATION_H_

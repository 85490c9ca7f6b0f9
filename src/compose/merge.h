// Merging compose models (several -f files, `extends`) by the compose-spec rules, as compose-go does:
// mappings merge key by key, sequences append, scalars are overridden; with these exceptions by path:
//   command, entrypoint, healthcheck.test          replaced whole
//   environment, labels, build.args, … (lists or dicts)  both sides as KEY=VALUE lists, appended
//   build                                          a string is {context: …} first
//   depends_on, networks                           a list is a mapping first
//   extra_hosts                                    union
// Then EnforceUnicity: in sequences identified by key (ports, volumes by target, environment by name …)
// a later entry replaces the earlier one with the same key, in its place.
#ifndef MYBUILD_COMPOSE_MERGE_H_
#define MYBUILD_COMPOSE_MERGE_H_

#include "src/base/status.h"
#include "src/compose/key_path.h"
#include "src/compose/yaml_value.h"

namespace mybuild::compose {

// `over` merged onto `base`; `path` is where both sit in the model ({} for whole files).
StatusOr<Value> MergeValues(Value base, Value over, const KeyPath& path);

// Removes redefinitions from the keyed sequences of a whole model (see above).
void EnforceUnicity(Value& model);

// A list-or-dict value (environment, labels, args …) as a list of "KEY=VALUE" (or "KEY") strings; a
// mapping's entries come sorted by key, as compose-go does.
Value ToKeyValueSequence(const Value& value);

}  // namespace mybuild::compose

#endif  // MYBUILD_COMPOSE_MERGE_H_

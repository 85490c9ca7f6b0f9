// RUN --mount=type=…,key=value,… → RunMount (plan.h), with the reference's keys, aliases, defaults and
// errors (`unexpected key 'size' for mount type 'bind'`, `unsupported mount type "nfs"` …).
#ifndef MYBUILD_PLANNER_RUN_MOUNT_H_
#define MYBUILD_PLANNER_RUN_MOUNT_H_

#include <functional>
#include <string>
#include <string_view>

#include "src/base/status.h"
#include "src/planner/plan.h"

namespace mybuild::planner {

// The mount as written, before `from` is resolved to a stage or image and before the target is made
// absolute: `mount.from` is left as kContext; `from` holds the from= value ("" when absent).
struct ParsedRunMount {
  RunMount mount;
  std::string from;
};

// Expands one value (not the keys); identity when no expansion is wanted.
using ValueExpander = std::function<StatusOr<std::string>(const std::string&)>;

// Parses one --mount value. `ssh_index` numbers ssh mounts for their default target. Defaults applied:
// read-only for bind/secret/ssh unless rw; secret id from the source or the target's base name; secret
// target /run/secrets/<id> unless env= is given; ssh id "default".
StatusOr<ParsedRunMount> ParseRunMount(std::string_view spec, const ValueExpander& expand, int ssh_index);

// Only the from= value of a --mount (no expansion, no validation): for the stage dependency scan.
std::string RunMountFrom(std::string_view spec);

// Splits a CSV record (the reference uses Go's encoding/csv): commas separate fields, a field in double
// quotes may contain commas, "" inside quotes is one quote.
std::vector<std::string> SplitCsv(std::string_view record);

}  // namespace mybuild::planner

#endif  // MYBUILD_PLANNER_RUN_MOUNT_H_

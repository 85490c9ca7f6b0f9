// `mybuild build --build-context NAME=VALUE`, as in `docker buildx build`: VALUE is a local directory
// (relative to the current directory) or `docker-image://REF`. The Dockerfile then reads NAME as a stage
// would be read: `FROM NAME` (an image context), `COPY --from=NAME`, `RUN --mount=from=NAME`. A name
// overrides a stage or an image of that name, as in BuildKit.
#ifndef MYBUILD_CLI_BUILD_CONTEXT_FLAGS_H_
#define MYBUILD_CLI_BUILD_CONTEXT_FLAGS_H_

#include <map>
#include <string>
#include <vector>

#include "src/base/status.h"
#include "src/compose/build_plan.h"  // compose::NamedContext

namespace mybuild::cli {

// The contexts by name; a usage error for a malformed item, a duplicate name, a directory that does not
// exist, or a kind mybuild does not read (a git or https URL, oci-layout://, target:).
StatusOr<std::map<std::string, compose::NamedContext>> ParseBuildContextFlags(const std::vector<std::string>& items);

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_BUILD_CONTEXT_FLAGS_H_

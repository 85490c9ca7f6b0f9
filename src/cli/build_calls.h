// `mybuild build --call=NAME[,format=json]`, as `docker buildx build --call`: `build` (the default),
// `check` (= --check, also spelled `lint`), `outline` (the build args, secrets and ssh sockets the
// target uses) and `targets` (the stages with their descriptions). Nothing is built; the text forms are
// the reference's tables (subrequests/outline PrintOutline, targets PrintTargets), `format=json` its
// JSON (Go's MarshalIndent layout, field order and HTML escaping).
#ifndef MYBUILD_CLI_BUILD_CALLS_H_
#define MYBUILD_CLI_BUILD_CALLS_H_

#include <string>
#include <string_view>

#include "src/base/status.h"
#include "src/checks/outline.h"
#include "src/cli/build_options.h"

namespace mybuild::cli {

struct CallSpec {
  std::string name = "build";  // build | check | outline | targets
  std::string format;          // "" (text) or "json"
};

// "outline", "targets,format=json", "check", "lint" (= check). Errors: InvalidArgument naming the value.
StatusOr<CallSpec> ParseCallSpec(std::string_view text);

std::string FormatOutline(const checks::Outline& outline);
std::string FormatOutlineJson(const checks::Outline& outline, std::string_view source);
std::string FormatTargets(const std::vector<checks::TargetInfo>& targets);
std::string FormatTargetsJson(const std::vector<checks::TargetInfo>& targets, std::string_view source);

// Runs an `outline` or `targets` call: prints to stdout, exit 0; errors on stderr, exit 1.
int RunInfoCall(const BuildOptions& options, const CallSpec& call);

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_BUILD_CALLS_H_

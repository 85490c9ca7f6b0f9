// Running the checks with a configuration, and printing what they found.
//
// Configuration (reference syntax, linter.ParseLintOptions): "skip=A,B|all;error=true", from the
// `# check=` directive and from the build arg BUILDKIT_DOCKERFILE_CHECK (which wins when both are given).
#ifndef MYBUILD_CHECKS_RUN_CHECKS_H_
#define MYBUILD_CHECKS_RUN_CHECKS_H_

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "src/base/status.h"
#include "src/checks/check_rule.h"

namespace mybuild::checks {

struct CheckConfig {
  std::set<std::string> skip;
  bool skip_all = false;
  bool error = false;  // findings fail the build / the check
};

// Errors: InvalidArgument for an option other than skip/error/experimental, or error= not a boolean.
StatusOr<CheckConfig> ParseCheckConfig(std::string_view text);

// The configuration of this Dockerfile: its `check` directive, overridden by BUILDKIT_DOCKERFILE_CHECK.
StatusOr<CheckConfig> ConfigFor(const frontend::Dockerfile& dockerfile, const std::map<std::string, std::string>& build_args);

// The findings of every rule not skipped, in source order (line, then column, then rule order).
std::vector<Finding> RunChecks(const CheckInput& input, const CheckConfig& config);

// "Dockerfile:3:1: JSONArgsRecommended: message", the source line, a caret under the column, and the hint.
std::string FormatFinding(const Finding& finding, std::string_view source);
// "2 warnings found" / "1 warning found" / "no warnings found".
std::string SummaryLine(size_t count);

}  // namespace mybuild::checks

#endif  // MYBUILD_CHECKS_RUN_CHECKS_H_

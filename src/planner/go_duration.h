// Go's time.Duration text form, as Dockerfiles use it (HEALTHCHECK --interval=30s) and as BuildKit
// writes it into history ("Interval:1m30s").
#ifndef MYBUILD_PLANNER_GO_DURATION_H_
#define MYBUILD_PLANNER_GO_DURATION_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "src/base/status.h"

namespace mybuild::planner {

// Parses "300ms", "-1.5h", "2h45m", "0" (units ns, us, µs, ms, s, m, h) into nanoseconds. Errors carry
// Go's messages: `time: invalid duration "x"`, `time: missing unit in duration "1"`, …
StatusOr<int64_t> ParseGoDuration(std::string_view text);

// Formats nanoseconds as Go's Duration.String(): "0s", "1.5s", "1m30s", "1h0m0s", "500ms", "10µs".
std::string FormatGoDuration(int64_t nanoseconds);

}  // namespace mybuild::planner

#endif  // MYBUILD_PLANNER_GO_DURATION_H_

// Logging setup: spdlog to stderr. Quiet by default (warnings and errors); `--log-level` raises it.
#ifndef MYBUILD_BASE_LOGGING_H_
#define MYBUILD_BASE_LOGGING_H_

#include <spdlog/spdlog.h>

#include <string>

#include "src/base/status.h"

namespace mybuild {

// Accepts trace, debug, info, warn, error, off.
Status SetUpLogging(const std::string& level);

}  // namespace mybuild

#endif  // MYBUILD_BASE_LOGGING_H_

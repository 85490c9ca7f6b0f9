#include "src/base/logging.h"

#include <spdlog/sinks/stdout_color_sinks.h>

namespace mybuild {

Status SetUpLogging(const std::string& level) {
  spdlog::level::level_enum parsed = spdlog::level::from_str(level);
  if (parsed == spdlog::level::off && level != "off") {
    return InvalidArgument("unknown log level \"" + level +
                           "\": expected trace, debug, info, warn, error or off");
  }
  auto logger = spdlog::stderr_color_mt("mybuild");
  logger->set_pattern("%^%l%$: %v");
  logger->set_level(parsed);
  spdlog::set_default_logger(logger);
  return Status::Ok();
}

}  // namespace mybuild

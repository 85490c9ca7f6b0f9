// COPY/ADD --chmod values: an octal mode up to 07777, or a symbolic mode as chmod(1) accepts it
// ("u+x", "go-w,a+r", "u=rwX", "+x", "g=u").
#ifndef MYBUILD_PLANNER_FILE_MODE_H_
#define MYBUILD_PLANNER_FILE_MODE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "src/base/status.h"

namespace mybuild::planner {

struct ChmodSpec {
  bool is_octal = false;
  uint32_t octal = 0;     // when is_octal
  std::string symbolic;   // otherwise, validated
};

// Errors use the reference's text: "invalid chmod parameter: '8'. it should be octal string and between
// 0 and 07777" for numeric-looking values.
StatusOr<ChmodSpec> ParseChmod(std::string_view value);

}  // namespace mybuild::planner

#endif  // MYBUILD_PLANNER_FILE_MODE_H_

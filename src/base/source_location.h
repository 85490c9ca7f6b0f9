// A place in a user's input: a Dockerfile (or another named file), 1-based line and column, and the
// last line of the construct (for instructions that span continuation lines).
#ifndef MYBUILD_BASE_SOURCE_LOCATION_H_
#define MYBUILD_BASE_SOURCE_LOCATION_H_

#include <string>

namespace mybuild {

struct SourceLocation {
  std::string file;  // as the user named it, e.g. "Dockerfile"
  int line = 0;      // 1-based; 0 = unknown
  int column = 0;    // 1-based; 0 = unknown
  int end_line = 0;  // last line of the construct; 0 = same as line

  // "FILE:LINE:COL", omitting parts that are unknown.
  std::string ToString() const;
  bool operator==(const SourceLocation&) const = default;
};

}  // namespace mybuild

#endif  // MYBUILD_BASE_SOURCE_LOCATION_H_

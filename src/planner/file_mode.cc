#include "src/planner/file_mode.h"

#include <cctype>

namespace mybuild::planner {
namespace {

bool IsOneOf(char c, std::string_view set) { return set.find(c) != std::string_view::npos; }

// One clause: [ugoa]* ([+-=] ([rwxXst]* | [ugo]))+
bool ValidClause(std::string_view clause) {
  size_t i = 0;
  while (i < clause.size() && IsOneOf(clause[i], "ugoa")) ++i;
  if (i == clause.size()) return false;  // needs at least one operation
  while (i < clause.size()) {
    if (!IsOneOf(clause[i], "+-=")) return false;
    ++i;
    if (i < clause.size() && IsOneOf(clause[i], "ugo")) {
      ++i;  // copy permissions from another class: one letter only
      continue;
    }
    while (i < clause.size() && IsOneOf(clause[i], "rwxXst")) ++i;
  }
  return true;
}

}  // namespace

StatusOr<ChmodSpec> ParseChmod(std::string_view value) {
  const std::string non_octal = "invalid chmod parameter: '" + std::string(value) +
                                "'. it should be octal string and between 0 and 07777";
  ChmodSpec spec;
  bool numeric = !value.empty();
  for (char c : value) numeric = numeric && std::isdigit(static_cast<unsigned char>(c));
  if (numeric) {
    uint64_t mode = 0;
    for (char c : value) {
      if (c > '7') return InvalidArgument(non_octal);
      mode = mode * 8 + static_cast<uint64_t>(c - '0');
      if (mode > 07777) return InvalidArgument(non_octal);
    }
    spec.is_octal = true;
    spec.octal = static_cast<uint32_t>(mode);
    return spec;
  }
  if (value.empty()) return InvalidArgument(non_octal);
  size_t start = 0;
  while (true) {
    size_t comma = value.find(',', start);
    std::string_view clause =
        value.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    if (!ValidClause(clause)) {
      return InvalidArgument("invalid chmod parameter: '" + std::string(value) +
                             "'. expected an octal mode up to 07777 or a symbolic mode such as u+x,g-w");
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  spec.symbolic = std::string(value);
  return spec;
}

}  // namespace mybuild::planner

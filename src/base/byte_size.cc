#include "src/base/byte_size.h"

#include <cctype>
#include <string>

namespace mybuild {

std::optional<uint64_t> ParseRamBytes(std::string_view text) {
  size_t i = 0;
  bool dot = false;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || (text[i] == '.' && !dot))) {
    dot = dot || text[i] == '.';
    ++i;
  }
  if (i == 0 || text[0] == '.' || text[i - 1] == '.') return std::nullopt;
  double number = 0;
  try {
    number = std::stod(std::string(text.substr(0, i)));
  } catch (...) {
    return std::nullopt;
  }
  if (i < text.size() && text[i] == ' ') ++i;  // "64 MiB"
  std::string unit;
  for (char c : text.substr(i)) unit.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (!unit.empty() && unit.back() == 'b') unit.pop_back();
  if (unit.size() == 2 && unit.back() == 'i') unit.pop_back();
  double multiplier = 1;
  if (unit.empty()) multiplier = 1;
  else if (unit == "k") multiplier = 1024.0;
  else if (unit == "m") multiplier = 1024.0 * 1024;
  else if (unit == "g") multiplier = 1024.0 * 1024 * 1024;
  else if (unit == "t") multiplier = 1024.0 * 1024 * 1024 * 1024;
  else if (unit == "p") multiplier = 1024.0 * 1024 * 1024 * 1024 * 1024;
  else return std::nullopt;
  const double bytes = number * multiplier;
  if (bytes < 0 || bytes > 9.2e18) return std::nullopt;
  return static_cast<uint64_t>(bytes);
}

}  // namespace mybuild

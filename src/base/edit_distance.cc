#include "src/base/edit_distance.h"

#include <algorithm>

namespace mybuild {

size_t Levenshtein(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string NearestWord(std::string_view word, const std::vector<std::string_view>& candidates, size_t limit) {
  std::string match;
  size_t best = limit;
  for (std::string_view candidate : candidates) {
    const size_t distance = Levenshtein(word, candidate);
    if (distance < best) {
      best = distance;
      match = std::string(candidate);
    }
  }
  return match;
}

}  // namespace mybuild

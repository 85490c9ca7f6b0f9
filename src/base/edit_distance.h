// The Levenshtein distance between two words and the nearest of a list of candidates ("did you mean …?").
#ifndef MYBUILD_BASE_EDIT_DISTANCE_H_
#define MYBUILD_BASE_EDIT_DISTANCE_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mybuild {

// Insertions, deletions and substitutions that turn `a` into `b` (bytewise).
size_t Levenshtein(std::string_view a, std::string_view b);

// The first candidate nearest to `word` whose distance is below `limit`; empty when none is.
std::string NearestWord(std::string_view word, const std::vector<std::string_view>& candidates, size_t limit);

}  // namespace mybuild

#endif  // MYBUILD_BASE_EDIT_DISTANCE_H_

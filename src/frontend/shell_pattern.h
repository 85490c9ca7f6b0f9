// The wildcard patterns of ${v#p} ${v##p} ${v%p} ${v%%p} ${v/p/r} ${v//p/r}, with the reference
// builder's semantics (BuildKit shell/lex.go, which turns them into Go regular expressions):
//   *   any run of characters except newline (shortest or longest first, see `greedy`)
//   ?   one character except newline
//   \*  \?  \\   the literal character
//   \}  \/       the escape is dropped and the character is literal (needed inside ${...})
//   any other \x is an error ("invalid escape '\x'"); everything else, '[' and ']' included, is literal
// Matching works on code points; text that is not valid UTF-8 is matched a byte at a time as U+FFFD,
// and the returned offsets always fall on the original bytes.
#ifndef MYBUILD_FRONTEND_SHELL_PATTERN_H_
#define MYBUILD_FRONTEND_SHELL_PATTERN_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/base/status.h"

namespace mybuild::frontend {

class ShellPattern {
 public:
  // Parses `pattern`. Errors: InvalidArgument "invalid escape '\x'".
  static StatusOr<ShellPattern> Parse(std::string_view pattern);

  struct Match {
    size_t begin = 0;  // byte offsets into the searched text
    size_t end = 0;
  };

  // The match a backtracking matcher would report first (leftmost start, then '*' preferring the
  // longest run when `greedy` and the shortest otherwise), searching from byte offset `from`.
  // Anchored: only a match that starts exactly at `from`. Runs in O(pattern × text) time.
  // Errors: ResourceExhausted when pattern × text exceeds a fixed work bound.
  StatusOr<std::optional<Match>> Find(std::string_view text, size_t from, bool anchored, bool greedy) const;

 private:
  enum class Kind { kLiteral, kAnyChar, kAnyRun };
  struct Element {
    Kind kind = Kind::kLiteral;
    char32_t rune = 0;
  };
  std::vector<Element> elements_;  // never two kAnyRun in a row
};

// ${value#pattern} (greedy: ##): `value` without its shortest (longest) prefix matching `pattern`.
StatusOr<std::string> TrimShellPatternPrefix(std::string_view pattern, std::string_view value, bool greedy);
// ${value%pattern} (greedy: %%): `value` without its shortest (longest) matching suffix.
StatusOr<std::string> TrimShellPatternSuffix(std::string_view pattern, std::string_view value, bool greedy);
// ${value/pattern/replacement} and, with `all`, ${value//pattern/replacement}. Like the reference, the
// replace-all form treats `replacement` as a Go regexp template: "$$" is '$' and "$0" / "${0}" the
// matched text; other "$name" references expand to nothing.
StatusOr<std::string> ReplaceShellPattern(std::string_view pattern, std::string_view value,
                                          std::string_view replacement, bool all);

}  // namespace mybuild::frontend

#endif  // MYBUILD_FRONTEND_SHELL_PATTERN_H_

// .dockerignore: which paths of the build context are left out, with the reference builder's
// semantics (moby/patternmatcher and its ignorefile reader).
//
// File format, one pattern per line ('\n', an optional '\r' before it is dropped; a UTF-8 BOM at the
// start is ignored):
//   - a line whose first character is '#' is a comment (" #x", with a leading blank, is a pattern);
//   - surrounding white space is trimmed, blank lines are skipped;
//   - '!' starts an exception (re-inclusion); blanks after the '!' are trimmed too;
//   - each pattern is cleaned like Go's path.Clean ("./a//b/" → "a/b", "a/../b" → "b") and one
//     leading '/' is dropped ("/a" → "a"): patterns are relative to the context root.
//
// Pattern syntax (Go filepath.Match plus "**"):
//   *        any run of characters except '/'
//   ?        one character except '/'
//   [a-z] [^a-z] [\]x]   a character class (may match '/'); '-' and ']' must be escaped inside
//   \c       the character c literally
//   **       any number of directories: "**/x" matches x at any depth, "a/**" everything below a,
//            "a/**/b" b anywhere below a (including a/b). "**" itself matches every path.
// A malformed pattern ("[", "a[", "[]a]", "[x-]", "\" at the end, a class with a range whose ends are
// in the wrong order) is an error when the file is loaded; "!" alone is an error.
//
// Matching: paths are relative to the context root, '/'-separated, and are cleaned first; "." (the
// root itself) is never excluded. Patterns are applied in order and the last one that matches decides:
// a normal pattern excludes, a '!' pattern re-includes.
//
// The answer is the one BuildKit's context transfer gives (fsutil's walk, which calls patternmatcher's
// MatchesUsingParentResults directory by directory): a pattern that matched a directory matches
// everything below it ("docs" excludes "docs/a/b"); a pattern that did not match the directory is tried
// on the path itself only, and only when it would change the answer at its place in the list. So an
// exception naming a parent does not re-include what a later-tried, more specific pattern excluded
// below it: with "a/b" then "!a", "a/b" stays out ("!a" matched nothing at "a", where it could not
// change the answer, and does not match "a/b" itself); "!a/**" would re-include it.
//
// Walking: fsutil enters an excluded directory only if something below it could be re-included. When
// every exception is literal text (apart from a trailing "/**" or "/*"), that is an exception whose text
// starts with the directory's path and a '/'; otherwise MayReincludeBelow asks whether an exception can
// still match below the directory (fsutil walks in always then; what it finds below is the same). An
// excluded directory is in the context only when something below it is (it is sent as the parent of that
// entry), never on its own.
//
// Known differences from the reference: "\c" for a letter c is always the literal character (the
// reference passes it to Go's regexp, where "\d" is a digit class); inside a class, '*' and '?' are
// literal (the reference turns them into regexp fragments).
#ifndef MYBUILD_FRONTEND_DOCKERIGNORE_H_
#define MYBUILD_FRONTEND_DOCKERIGNORE_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "src/base/status.h"

namespace mybuild::frontend {

// Splits .dockerignore content into patterns as the reference's ignorefile.ReadAll does (comments and
// blank lines dropped, patterns trimmed and cleaned, exceptions kept as "!pattern").
std::vector<std::string> ReadDockerignorePatterns(std::string_view content);

// One compiled pattern.
class IgnorePattern {
 public:
  // `pattern` is one entry as ReadDockerignorePatterns returns it, optionally starting with '!'; it is
  // trimmed and cleaned again. Errors: InvalidArgument for an empty or malformed pattern and for "!".
  static StatusOr<IgnorePattern> Compile(std::string_view pattern);

  bool exclusion() const { return exclusion_; }  // a '!' pattern
  const std::string& text() const { return text_; }  // cleaned, without the '!'

  // Whether the pattern matches exactly this (cleaned) path, not looking at its parents.
  bool MatchesExactly(std::string_view path) const;
  // Whether some path strictly below directory `dir` could match (conservative: may say true).
  bool MayMatchBelow(std::string_view dir) const;

  // Internal representation, exposed for the matcher only.
  enum class Kind { kExact, kPrefix, kSuffix, kTokens };
  struct Token {
    enum class Type { kLiteral, kAnyNonSlash, kRunNonSlash, kAnyRun, kOptionalDirs, kClass };
    Type type = Type::kLiteral;
    char32_t rune = 0;
    bool negated = false;
    std::vector<std::pair<char32_t, char32_t>> ranges;
  };

 private:
  std::vector<bool> Step(const std::vector<bool>& states, char32_t rune) const;
  std::vector<bool> Closure(std::vector<bool> states) const;
  std::vector<bool> Run(std::string_view text) const;

  bool exclusion_ = false;
  std::string text_;
  Kind kind_ = Kind::kExact;
  std::vector<Token> tokens_;
};

class DockerIgnore {
 public:
  DockerIgnore() = default;  // excludes nothing

  // Parses .dockerignore content. Errors: InvalidArgument naming the bad pattern.
  static StatusOr<DockerIgnore> Parse(std::string_view content);
  // From patterns as ReadDockerignorePatterns returns them (like patternmatcher.New): each is
  // trimmed and cleaned; empty ones are skipped.
  static StatusOr<DockerIgnore> FromPatterns(const std::vector<std::string>& patterns);

  // Whether `path` (relative to the context root, '/'-separated) is left out of the context.
  bool Excluded(std::string_view path) const;

  // For walking the context, asked for an excluded directory: whether the walk enters it (see above).
  // May return true when nothing below is re-included, never false when something is.
  bool MayReincludeBelow(std::string_view dir) const;

  bool empty() const { return patterns_.empty(); }
  bool has_exclusions() const { return has_exclusions_; }
  const std::vector<IgnorePattern>& patterns() const { return patterns_; }

 private:
  // patternmatcher's MatchesUsingParentResults: `parent` holds, per pattern, whether it matched the
  // parent directory (empty for a path at the top); fills the same for `path`.
  bool MatchBelowParent(std::string_view path, const std::vector<bool>& parent,
                        std::vector<bool>* matched_patterns) const;

  std::vector<IgnorePattern> patterns_;
  bool has_exclusions_ = false;
  bool only_literal_exceptions_ = true;
};

}  // namespace mybuild::frontend

#endif  // MYBUILD_FRONTEND_DOCKERIGNORE_H_

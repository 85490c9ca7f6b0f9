#include "src/frontend/dockerignore.h"

#include <optional>

#include "src/base/slash_path.h"
#include "src/frontend/text_util.h"

namespace mybuild::frontend {
namespace {

using Token = IgnorePattern::Token;

std::vector<char32_t> DecodeAll(std::string_view text) {
  std::vector<char32_t> out;
  for (size_t pos = 0; pos < text.size();) {
    const DecodedRune r = DecodeRune(text, pos);
    out.push_back(r.rune);
    pos += r.width;
  }
  return out;
}

Status BadPattern(std::string_view pattern, std::string_view why) {
  return InvalidArgument("invalid .dockerignore pattern \"" + std::string(pattern) + "\": " + std::string(why));
}

// One character of a class (Go filepath.Match's getEsc): '-' and ']' must be escaped, and something
// (at least the closing ']') must follow.
std::optional<char32_t> ClassChar(const std::vector<char32_t>& runes, size_t& i) {
  if (i >= runes.size() || runes[i] == '-' || runes[i] == ']') return std::nullopt;
  if (runes[i] == '\\') {
    ++i;
    if (i >= runes.size()) return std::nullopt;
  }
  const char32_t out = runes[i++];
  if (i >= runes.size()) return std::nullopt;
  return out;
}

// Parses the class starting after '[' at runes[i]; leaves i after the closing ']'.
std::optional<Token> ParseClass(const std::vector<char32_t>& runes, size_t& i) {
  Token token;
  token.type = Token::Type::kClass;
  if (i < runes.size() && runes[i] == '^') {
    token.negated = true;
    ++i;
  }
  while (true) {
    if (i < runes.size() && runes[i] == ']' && !token.ranges.empty()) {
      ++i;
      return token;
    }
    const std::optional<char32_t> lo = ClassChar(runes, i);
    if (!lo) return std::nullopt;
    char32_t hi = *lo;
    if (runes[i] == '-') {
      ++i;
      const std::optional<char32_t> end = ClassChar(runes, i);
      if (!end || *end < *lo) return std::nullopt;
      hi = *end;
    }
    token.ranges.emplace_back(*lo, hi);
  }
}

bool ClassMatches(const Token& token, char32_t rune) {
  bool in = false;
  for (const auto& [lo, hi] : token.ranges) in = in || (rune >= lo && rune <= hi);
  return in != token.negated;
}

bool StartsWith(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// fsutil's patternWithoutTrailingGlob: the pattern without a trailing "/**" or "/*".
std::string_view WithoutTrailingGlob(std::string_view text) {
  if (EndsWith(text, "/**")) return text.substr(0, text.size() - 3);
  if (EndsWith(text, "/*")) return text.substr(0, text.size() - 2);
  return text;
}

}  // namespace

std::vector<std::string> ReadDockerignorePatterns(std::string_view content) {
  std::vector<std::string> out;
  bool first = true;
  while (!content.empty()) {
    const size_t newline = content.find('\n');
    std::string_view line = content.substr(0, newline);
    content = newline == std::string_view::npos ? std::string_view() : content.substr(newline + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (first && StartsWith(line, "\xEF\xBB\xBF")) line.remove_prefix(3);
    first = false;
    if (!line.empty() && line.front() == '#') continue;
    std::string_view pattern = TrimSpace(line);
    if (pattern.empty()) continue;
    const bool exception = pattern.front() == '!';
    if (exception) pattern = TrimSpace(pattern.substr(1));
    std::string cleaned;
    if (!pattern.empty()) {
      cleaned = CleanSlashPath(pattern);
      if (cleaned.size() > 1 && cleaned.front() == '/') cleaned.erase(0, 1);
    }
    out.push_back(exception ? "!" + cleaned : cleaned);
  }
  return out;
}

StatusOr<IgnorePattern> IgnorePattern::Compile(std::string_view pattern) {
  const std::string_view trimmed = TrimSpace(pattern);
  if (trimmed.empty()) return BadPattern(pattern, "empty pattern");
  std::string text = CleanSlashPath(trimmed);
  IgnorePattern out;
  if (text.front() == '!') {
    if (text.size() == 1) return InvalidArgument("illegal exclusion pattern: \"!\" in .dockerignore");
    out.exclusion_ = true;
    text.erase(0, 1);
  }

  // The reference decides how to match from the pattern's shape: plain text is compared exactly,
  // "text/**" as a prefix, "**/text" as a suffix, everything else through a regexp (tokens here).
  const std::vector<char32_t> runes = DecodeAll(text);
  out.kind_ = Kind::kExact;
  for (size_t i = 0; i < runes.size();) {
    const bool first = i == 0;
    const char32_t c = runes[i++];
    Token token;
    if (c == '*') {
      if (i < runes.size() && runes[i] == '*') {
        ++i;
        if (i < runes.size() && runes[i] == '/') ++i;
        if (i == runes.size()) {
          token.type = Token::Type::kAnyRun;
          out.kind_ = out.kind_ == Kind::kExact ? Kind::kPrefix : Kind::kTokens;
        } else {
          token.type = Token::Type::kOptionalDirs;
          out.kind_ = Kind::kTokens;
        }
        if (first) out.kind_ = Kind::kSuffix;
      } else {
        token.type = Token::Type::kRunNonSlash;
        out.kind_ = Kind::kTokens;
      }
    } else if (c == '?') {
      token.type = Token::Type::kAnyNonSlash;
      out.kind_ = Kind::kTokens;
    } else if (c == '\\') {
      if (i >= runes.size()) return BadPattern(pattern, "syntax error in pattern (trailing '\\')");
      token.rune = runes[i++];
      out.kind_ = Kind::kTokens;
    } else if (c == '[') {
      std::optional<Token> cls = ParseClass(runes, i);
      if (!cls) return BadPattern(pattern, "syntax error in pattern (bad character class)");
      token = std::move(*cls);
      out.kind_ = Kind::kTokens;
    } else {
      token.rune = c;
      if (c == ']') out.kind_ = Kind::kTokens;
    }
    out.tokens_.push_back(std::move(token));
  }
  out.text_ = std::move(text);
  return out;
}

// NFA states: 2*i is "before token i", 2*i+1 is "inside the '.*' of an optional-dirs token i".
std::vector<bool> IgnorePattern::Closure(std::vector<bool> states) const {
  for (size_t i = 0; i < tokens_.size(); ++i) {
    if (!states[2 * i]) continue;
    switch (tokens_[i].type) {
      case Token::Type::kRunNonSlash:
      case Token::Type::kAnyRun:
        states[2 * (i + 1)] = true;
        break;
      case Token::Type::kOptionalDirs:
        states[2 * (i + 1)] = true;
        states[2 * i + 1] = true;
        break;
      default:
        break;
    }
  }
  return states;
}

std::vector<bool> IgnorePattern::Step(const std::vector<bool>& states, char32_t rune) const {
  std::vector<bool> next(states.size(), false);
  for (size_t i = 0; i < tokens_.size(); ++i) {
    const Token& token = tokens_[i];
    if (states[2 * i]) {
      switch (token.type) {
        case Token::Type::kLiteral:
          if (rune == token.rune) next[2 * (i + 1)] = true;
          break;
        case Token::Type::kAnyNonSlash:
          if (rune != '/') next[2 * (i + 1)] = true;
          break;
        case Token::Type::kClass:
          if (ClassMatches(token, rune)) next[2 * (i + 1)] = true;
          break;
        case Token::Type::kRunNonSlash:
          if (rune != '/') next[2 * i] = true;
          break;
        case Token::Type::kAnyRun:
          if (rune != '\n') next[2 * i] = true;  // Go's '.' stops at newlines
          break;
        case Token::Type::kOptionalDirs:
          break;
      }
    }
    if (states[2 * i + 1]) {
      if (rune != '\n') next[2 * i + 1] = true;
      if (rune == '/') next[2 * (i + 1)] = true;
    }
  }
  return Closure(std::move(next));
}

std::vector<bool> IgnorePattern::Run(std::string_view text) const {
  std::vector<bool> states(2 * (tokens_.size() + 1), false);
  states[0] = true;
  states = Closure(std::move(states));
  for (size_t pos = 0; pos < text.size();) {
    const DecodedRune r = DecodeRune(text, pos);
    pos += r.width;
    states = Step(states, r.rune);
    bool alive = false;
    for (bool state : states) alive = alive || state;
    if (!alive) break;
  }
  return states;
}

bool IgnorePattern::MatchesExactly(std::string_view path) const {
  switch (kind_) {
    case Kind::kExact:
      return path == text_;
    case Kind::kPrefix:
      return StartsWith(path, std::string_view(text_).substr(0, text_.size() - 2));
    case Kind::kSuffix: {
      const std::string_view suffix = std::string_view(text_).substr(2);
      if (EndsWith(path, suffix)) return true;
      return !suffix.empty() && suffix.front() == '/' && path == suffix.substr(1);
    }
    case Kind::kTokens:
      return Run(path)[2 * tokens_.size()];
  }
  return false;
}

bool IgnorePattern::MayMatchBelow(std::string_view dir) const {
  if (dir.empty() || dir == ".") return true;
  const std::string prefix = std::string(dir) + "/";
  switch (kind_) {
    case Kind::kExact:
      return text_.size() > prefix.size() && StartsWith(text_, prefix);
    case Kind::kPrefix: {
      const std::string_view fixed = std::string_view(text_).substr(0, text_.size() - 2);
      return StartsWith(prefix, fixed) || StartsWith(fixed, prefix);
    }
    case Kind::kSuffix:
      return true;
    case Kind::kTokens: {
      // Alive after reading "dir/": some continuation can still complete the match.
      for (bool state : Run(prefix)) {
        if (state) return true;
      }
      return false;
    }
  }
  return true;
}

StatusOr<DockerIgnore> DockerIgnore::FromPatterns(const std::vector<std::string>& patterns) {
  DockerIgnore out;
  for (const std::string& pattern : patterns) {
    if (TrimSpace(pattern).empty()) continue;
    MB_ASSIGN_OR_RETURN(IgnorePattern compiled, IgnorePattern::Compile(pattern));
    if (compiled.exclusion()) {
      out.has_exclusions_ = true;
      // fsutil walks by literal prefixes only while no exception holds one of its pattern characters.
      const std::string_view text = WithoutTrailingGlob(compiled.text());
      if (text.find_first_of("*[]?^\\") != std::string_view::npos) out.only_literal_exceptions_ = false;
    }
    out.patterns_.push_back(std::move(compiled));
  }
  return out;
}

StatusOr<DockerIgnore> DockerIgnore::Parse(std::string_view content) {
  return FromPatterns(ReadDockerignorePatterns(content));
}

bool DockerIgnore::MatchBelowParent(std::string_view path, const std::vector<bool>& parent,
                                    std::vector<bool>* matched_patterns) const {
  bool excluded = false;
  matched_patterns->assign(patterns_.size(), false);
  for (size_t i = 0; i < patterns_.size(); ++i) {
    const IgnorePattern& pattern = patterns_[i];
    bool match = !parent.empty() && parent[i];  // what matched the parent matches below it
    if (!match) {
      // Only a pattern that would change the answer is tried (and only then remembered as matching).
      if (pattern.exclusion() != excluded) continue;
      match = pattern.MatchesExactly(path);
    }
    (*matched_patterns)[i] = match;
    if (match) excluded = !pattern.exclusion();
  }
  return excluded;
}

bool DockerIgnore::Excluded(std::string_view path) const {
  if (patterns_.empty()) return false;
  const std::string cleaned = CleanSlashPath(path);
  if (cleaned == ".") return false;
  std::string_view rest = cleaned;
  if (rest.size() > 1 && rest.front() == '/') rest.remove_prefix(1);  // relative to the context root
  std::vector<bool> parent, current;
  bool excluded = false;
  for (size_t slash = rest.find('/');; slash = rest.find('/', slash + 1)) {
    const std::string_view prefix = slash == std::string_view::npos ? rest : rest.substr(0, slash);
    excluded = MatchBelowParent(prefix, parent, &current);
    if (slash == std::string_view::npos) break;
    parent.swap(current);
  }
  return excluded;
}

bool DockerIgnore::MayReincludeBelow(std::string_view dir) const {
  if (!has_exclusions_) return false;
  const std::string cleaned = CleanSlashPath(dir);
  if (cleaned == ".") return true;
  const std::string dir_slash = cleaned + "/";
  for (const IgnorePattern& pattern : patterns_) {
    if (!pattern.exclusion()) continue;
    if (only_literal_exceptions_) {
      // fsutil: the exception without its trailing "/**" or "/*", plus "/", starts with "dir/".
      if (StartsWith(std::string(WithoutTrailingGlob(pattern.text())) + "/", dir_slash)) return true;
    } else if (pattern.MayMatchBelow(cleaned)) {
      return true;
    }
  }
  return false;
}

}  // namespace mybuild::frontend

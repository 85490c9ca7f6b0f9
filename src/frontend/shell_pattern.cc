#include "src/frontend/shell_pattern.h"

#include <algorithm>
#include <cstdint>
#include <utility>

#include "src/frontend/pattern_unicode.h"

namespace mybuild::frontend {
namespace {

// Upper bound on (pattern elements + 1) × (text runes + 1) for one search: far above any real
// Dockerfile value, low enough that a hostile input cannot stall the build.
constexpr size_t kMaxWork = size_t{1} << 27;

struct DecodedText {
  std::vector<char32_t> runes;
  std::vector<size_t> offsets;  // byte offset of each rune, plus the end offset
};

DecodedText Decode(std::string_view text, size_t from) {
  DecodedText out;
  size_t pos = std::min(from, text.size());
  while (pos < text.size()) {
    const DecodedRune r = DecodeRune(text, pos);
    out.runes.push_back(r.rune);
    out.offsets.push_back(pos);
    pos += r.width;
  }
  out.offsets.push_back(text.size());
  return out;
}

std::string Encode(const std::vector<char32_t>& runes) {
  std::string out;
  for (char32_t r : runes) AppendRune(out, r);
  return out;
}

// Reverses a pattern rune by rune, keeping each "\x" pair in order, like the reference does before it
// searches a reversed value for ${v%p}.
std::vector<char32_t> ReversePattern(const std::vector<char32_t>& pattern) {
  std::vector<char32_t> out(pattern.size());
  const size_t last = pattern.empty() ? 0 : pattern.size() - 1;
  for (size_t i = 0; i < pattern.size();) {
    const size_t out_index = last - i;
    if (pattern[i] == '\\' && i != last) {
      out[out_index - 1] = pattern[i];
      out[out_index] = pattern[i + 1];
      i += 2;
    } else {
      out[out_index] = pattern[i];
      ++i;
    }
  }
  return out;
}

Status InvalidPattern(std::string_view pattern, const Status& why) {
  return InvalidArgument("invalid pattern (" + std::string(pattern) + ") in substitution: " + why.message());
}

// Go's regexp template expansion, for the replace-all form (the pattern has no groups but group 0).
std::string ExpandTemplate(std::string_view tmpl, std::string_view match) {
  std::string out;
  while (true) {
    const size_t dollar = tmpl.find('$');
    if (dollar == std::string_view::npos) break;
    out.append(tmpl.substr(0, dollar));
    tmpl.remove_prefix(dollar + 1);
    if (!tmpl.empty() && tmpl[0] == '$') {
      out.push_back('$');
      tmpl.remove_prefix(1);
      continue;
    }
    const bool brace = !tmpl.empty() && tmpl[0] == '{';
    size_t i = brace ? 1 : 0;
    const size_t name_begin = i;
    while (i < tmpl.size()) {
      const DecodedRune r = DecodeRune(tmpl, i);
      if (!IsUnicodeLetter(r.rune) && !IsUnicodeDigit(r.rune) && r.rune != '_') break;
      i += r.width;
    }
    const std::string_view name = tmpl.substr(name_begin, i - name_begin);
    if (name.empty() || (brace && (i >= tmpl.size() || tmpl[i] != '}'))) {
      out.push_back('$');  // malformed: the '$' is literal text
      continue;
    }
    tmpl.remove_prefix(brace ? i + 1 : i);
    int64_t number = 0;
    for (char c : name) {
      if (c < '0' || c > '9' || number >= 100000000) {
        number = -1;
        break;
      }
      number = number * 10 + (c - '0');
    }
    if (number == 0) out.append(match);
  }
  out.append(tmpl);
  return out;
}

}  // namespace

StatusOr<ShellPattern> ShellPattern::Parse(std::string_view pattern) {
  const DecodedText decoded = Decode(pattern, 0);
  ShellPattern out;
  const std::vector<char32_t>& runes = decoded.runes;
  for (size_t i = 0; i < runes.size(); ++i) {
    const char32_t r = runes[i];
    if (r == '*') {
      if (out.elements_.empty() || out.elements_.back().kind != Kind::kAnyRun) {
        out.elements_.push_back({Kind::kAnyRun, 0});
      }
    } else if (r == '?') {
      out.elements_.push_back({Kind::kAnyChar, 0});
    } else if (r == '\\') {
      if (i + 1 < runes.size() && (runes[i + 1] == '}' || runes[i + 1] == '/')) continue;
      if (i + 1 >= runes.size()) return InvalidArgument("invalid escape '\\' at the end of the pattern");
      const char32_t escaped = runes[++i];
      if (escaped != '*' && escaped != '?' && escaped != '\\') {
        std::string text;
        AppendRune(text, escaped);
        return InvalidArgument("invalid escape '\\" + text + "'");
      }
      out.elements_.push_back({Kind::kLiteral, escaped});
    } else {
      out.elements_.push_back({Kind::kLiteral, r});
    }
  }
  return out;
}

StatusOr<std::optional<ShellPattern::Match>> ShellPattern::Find(std::string_view text, size_t from,
                                                                bool anchored, bool greedy) const {
  const DecodedText decoded = Decode(text, from);
  const size_t count = decoded.runes.size();
  const size_t n = elements_.size();
  if ((n + 1) > kMaxWork / (count + 1)) {
    return ResourceExhausted("pattern of " + std::to_string(n) + " elements is too large to match against " +
                             std::to_string(count) + " characters");
  }

  // A Pike VM: threads in priority order, each a position in the pattern (n = matched) and the rune
  // index where its match began. The first thread to reach the end wins over all threads after it.
  struct Thread {
    size_t pc;
    size_t start;
  };
  std::vector<Thread> current;
  std::vector<Thread> next;
  std::vector<size_t> mark(n + 1, SIZE_MAX);  // mark[pc] = the list generation that already holds pc
  const auto add = [&](std::vector<Thread>& list, size_t pc, size_t start, size_t generation) {
    if (mark[pc] == generation) return;
    mark[pc] = generation;
    if (pc < n && elements_[pc].kind == Kind::kAnyRun) {
      // The element after a run is never a run, so this recursion is one level deep.
      const auto add_after = [&] {
        if (mark[pc + 1] == generation) return;
        mark[pc + 1] = generation;
        list.push_back({pc + 1, start});
      };
      if (greedy) {
        list.push_back({pc, start});
        add_after();
      } else {
        add_after();
        list.push_back({pc, start});
      }
      return;
    }
    list.push_back({pc, start});
  };

  std::optional<Match> found;
  for (size_t i = 0;; ++i) {
    if (!found && (!anchored || i == 0)) add(current, 0, i, i);
    if (current.empty()) break;
    next.clear();
    for (const Thread& thread : current) {
      if (thread.pc == n) {
        found = Match{decoded.offsets[thread.start], decoded.offsets[i]};
        break;  // every later thread has a lower priority
      }
      if (i == count) continue;
      const char32_t r = decoded.runes[i];
      const Element& element = elements_[thread.pc];
      switch (element.kind) {
        case Kind::kLiteral:
          if (r == element.rune) add(next, thread.pc + 1, thread.start, i + 1);
          break;
        case Kind::kAnyChar:
          if (r != '\n') add(next, thread.pc + 1, thread.start, i + 1);
          break;
        case Kind::kAnyRun:
          if (r != '\n') add(next, thread.pc, thread.start, i + 1);
          break;
      }
    }
    if (i == count) break;
    std::swap(current, next);
  }
  return found;
}

StatusOr<std::string> TrimShellPatternPrefix(std::string_view pattern, std::string_view value, bool greedy) {
  StatusOr<ShellPattern> parsed = ShellPattern::Parse(pattern);
  if (!parsed.ok()) return InvalidPattern(pattern, parsed.status());
  MB_ASSIGN_OR_RETURN(std::optional<ShellPattern::Match> match, parsed->Find(value, 0, true, greedy));
  if (!match) return std::string(value);
  return std::string(value.substr(match->end));
}

StatusOr<std::string> TrimShellPatternSuffix(std::string_view pattern, std::string_view value, bool greedy) {
  // A leftmost search cannot find the shortest rightmost match, so, like the reference, search the
  // reversed value with the reversed pattern.
  const std::string reversed_pattern = Encode(ReversePattern(Decode(pattern, 0).runes));
  StatusOr<ShellPattern> parsed = ShellPattern::Parse(reversed_pattern);
  if (!parsed.ok()) return InvalidPattern(reversed_pattern, parsed.status());

  const DecodedText decoded = Decode(value, 0);
  // Encode the reversed value with one placeholder byte sequence per rune, so that invalid bytes
  // cannot merge into new characters; the match length in runes is what matters.
  std::vector<char32_t> reversed(decoded.runes.rbegin(), decoded.runes.rend());
  const std::string reversed_value = Encode(reversed);
  MB_ASSIGN_OR_RETURN(std::optional<ShellPattern::Match> match,
                      parsed->Find(reversed_value, 0, true, greedy));
  if (!match) return std::string(value);
  // Count the runes the match covered in the reversed text.
  size_t matched_runes = 0;
  for (size_t pos = 0; pos < match->end; ++matched_runes) pos += DecodeRune(reversed_value, pos).width;
  const size_t keep = decoded.runes.size() - matched_runes;
  return std::string(value.substr(0, decoded.offsets[keep]));
}

StatusOr<std::string> ReplaceShellPattern(std::string_view pattern, std::string_view value,
                                          std::string_view replacement, bool all) {
  StatusOr<ShellPattern> parsed = ShellPattern::Parse(pattern);
  if (!parsed.ok()) return InvalidPattern(pattern, parsed.status());
  if (!all) {
    MB_ASSIGN_OR_RETURN(std::optional<ShellPattern::Match> match, parsed->Find(value, 0, false, true));
    if (!match) return std::string(value);
    return std::string(value.substr(0, match->begin)) + std::string(replacement) +
           std::string(value.substr(match->end));
  }
  // Go's ReplaceAllString: successive leftmost matches; an empty match right after the previous match
  // is not replaced, and the search always advances by at least one character.
  std::string out;
  size_t last_end = 0;
  size_t search = 0;
  while (search <= value.size()) {
    MB_ASSIGN_OR_RETURN(std::optional<ShellPattern::Match> match, parsed->Find(value, search, false, true));
    if (!match) break;
    out.append(value.substr(last_end, match->begin - last_end));
    if (match->end > last_end || match->begin == 0) {
      out.append(ExpandTemplate(replacement, value.substr(match->begin, match->end - match->begin)));
    }
    last_end = match->end;
    const size_t width = std::max<size_t>(DecodeRune(value, search).width, 1);
    search = search + width > match->end ? search + width : match->end;
  }
  out.append(value.substr(std::min(last_end, value.size())));
  return out;
}

}  // namespace mybuild::frontend

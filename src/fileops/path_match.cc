#include "src/fileops/path_match.h"

#include <cstdint>

namespace mybuild::fileops {
namespace {

Status BadPattern(std::string_view pattern) {
  return InvalidArgument("syntax error in pattern \"" + std::string(pattern) + "\"");
}

// Decodes one UTF-8 character (invalid bytes count as one character each). `s` must not be empty.
uint32_t DecodeRune(std::string_view s, size_t* length) {
  auto byte = [&](size_t i) { return static_cast<uint8_t>(s[i]); };
  uint8_t b0 = byte(0);
  size_t n = b0 < 0x80 ? 1 : (b0 >> 5) == 6 ? 2 : (b0 >> 4) == 14 ? 3 : (b0 >> 3) == 30 ? 4 : 0;
  if (n == 0 || n > s.size()) {
    *length = 1;
    return 0xFFFD;
  }
  uint32_t r = n == 1 ? b0 : n == 2 ? (b0 & 0x1F) : n == 3 ? (b0 & 0x0F) : (b0 & 0x07);
  for (size_t i = 1; i < n; ++i) {
    if ((byte(i) & 0xC0) != 0x80) {
      *length = 1;
      return 0xFFFD;
    }
    r = (r << 6) | (byte(i) & 0x3F);
  }
  *length = n;
  return r;
}

// One chunk of a pattern: the stars before it, and the text up to the next unbracketed star.
struct Chunk {
  bool star = false;
  std::string_view text;
  std::string_view rest;
};

Chunk ScanChunk(std::string_view pattern) {
  Chunk chunk;
  while (!pattern.empty() && pattern[0] == '*') {
    pattern.remove_prefix(1);
    chunk.star = true;
  }
  bool in_range = false;
  size_t i = 0;
  for (; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '\\') {
      if (i + 1 < pattern.size()) ++i;
    } else if (c == '[') {
      in_range = true;
    } else if (c == ']') {
      in_range = false;
    } else if (c == '*' && !in_range) {
      break;
    }
  }
  chunk.text = pattern.substr(0, i);
  chunk.rest = pattern.substr(i);
  return chunk;
}

// Reads one (possibly escaped) character of a class; fails on '-', ']' or the end.
bool GetEscaped(std::string_view* chunk, uint32_t* r) {
  if (chunk->empty() || (*chunk)[0] == '-' || (*chunk)[0] == ']') return false;
  if ((*chunk)[0] == '\\') {
    chunk->remove_prefix(1);
    if (chunk->empty()) return false;
  }
  size_t n = 0;
  *r = DecodeRune(*chunk, &n);
  chunk->remove_prefix(n);
  return !chunk->empty();
}

// Matches `chunk` (no stars) against a prefix of `s`. Returns false in *ok on mismatch, an error on a
// malformed chunk; on a match, *rest is what is left of `s`.
Status MatchChunk(std::string_view pattern, std::string_view chunk, std::string_view s, bool* ok,
                  std::string_view* rest) {
  bool failed = false;
  *ok = false;
  while (!chunk.empty()) {
    if (!failed && s.empty()) failed = true;
    switch (chunk[0]) {
      case '[': {
        uint32_t r = 0;
        if (!failed) {
          size_t n = 0;
          r = DecodeRune(s, &n);
          s.remove_prefix(n);
        }
        chunk.remove_prefix(1);
        bool negated = false;
        if (!chunk.empty() && chunk[0] == '^') {
          negated = true;
          chunk.remove_prefix(1);
        }
        bool match = false;
        int ranges = 0;
        while (true) {
          if (!chunk.empty() && chunk[0] == ']' && ranges > 0) {
            chunk.remove_prefix(1);
            break;
          }
          uint32_t lo = 0;
          if (!GetEscaped(&chunk, &lo)) return BadPattern(pattern);
          uint32_t hi = lo;
          if (chunk[0] == '-') {
            chunk.remove_prefix(1);
            if (!GetEscaped(&chunk, &hi)) return BadPattern(pattern);
          }
          if (lo <= r && r <= hi) match = true;
          ++ranges;
        }
        if (match == negated) failed = true;
        break;
      }
      case '?':
        if (!failed) {
          if (s[0] == '/') failed = true;
          size_t n = 0;
          DecodeRune(s, &n);
          s.remove_prefix(n);
        }
        chunk.remove_prefix(1);
        break;
      case '\\':
        chunk.remove_prefix(1);
        if (chunk.empty()) return BadPattern(pattern);
        [[fallthrough]];
      default:
        if (!failed) {
          if (chunk[0] != s[0]) failed = true;
          s.remove_prefix(1);
        }
        chunk.remove_prefix(1);
        break;
    }
  }
  if (failed) return Status::Ok();
  *ok = true;
  *rest = s;
  return Status::Ok();
}

}  // namespace

StatusOr<bool> GlobMatch(std::string_view pattern, std::string_view name) {
  const std::string_view whole = pattern;
  while (!pattern.empty()) {
    Chunk chunk = ScanChunk(pattern);
    pattern = chunk.rest;
    if (chunk.star && chunk.text.empty()) {
      // A trailing star matches the rest of the name if it has no separator.
      return name.find('/') == std::string_view::npos;
    }
    bool ok = false;
    std::string_view rest;
    MB_RETURN_IF_ERROR(MatchChunk(whole, chunk.text, name, &ok, &rest));
    if (ok && (rest.empty() || !pattern.empty())) {
      name = rest;
      continue;
    }
    bool advanced = false;
    if (chunk.star) {
      // Let the star eat characters (never a separator) and retry the chunk.
      for (size_t i = 0; i < name.size() && name[i] != '/'; ++i) {
        MB_RETURN_IF_ERROR(MatchChunk(whole, chunk.text, name.substr(i + 1), &ok, &rest));
        if (ok) {
          if (pattern.empty() && !rest.empty()) continue;
          name = rest;
          advanced = true;
          break;
        }
      }
    }
    if (advanced) continue;
    // No match: still report a malformed remainder of the pattern, as Go does.
    while (!pattern.empty()) {
      Chunk tail = ScanChunk(pattern);
      pattern = tail.rest;
      bool unused = false;
      std::string_view unused_rest;
      MB_RETURN_IF_ERROR(MatchChunk(whole, tail.text, "", &unused, &unused_rest));
    }
    return false;
  }
  return name.empty();
}

bool HasWildcards(std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\') {
      ++i;
    } else if (c == '*' || c == '?' || c == '[') {
      return true;
    }
  }
  return false;
}

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view part = path.substr(i, j - i);
    if (!part.empty() && part != ".") parts.emplace_back(part);
    i = j + 1;
  }
  return parts;
}

std::string JoinPath(std::string_view dir, std::string_view rel) {
  if (rel.empty()) return std::string(dir);
  if (dir.empty()) return std::string(rel);
  std::string out(dir);
  if (out.back() != '/') out += '/';
  while (!rel.empty() && rel[0] == '/') rel.remove_prefix(1);
  out += rel;
  return out;
}

}  // namespace mybuild::fileops

#include "src/frontend/text_util.h"

namespace mybuild::frontend {

DecodedRune DecodeRune(std::string_view text, size_t pos) {
  if (pos >= text.size()) return {kRuneError, 0};
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[pos + i]); };
  const unsigned char b0 = byte(0);
  if (b0 < 0x80) return {b0, 1};
  const size_t left = text.size() - pos;
  const auto cont = [&](size_t i) { return i < left && (byte(i) & 0xC0) == 0x80; };
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    if (!cont(1)) return {kRuneError, 1};
    return {static_cast<char32_t>(((b0 & 0x1F) << 6) | (byte(1) & 0x3F)), 2};
  }
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (!cont(1) || !cont(2)) return {kRuneError, 1};
    const unsigned char b1 = byte(1);
    if (b0 == 0xE0 && b1 < 0xA0) return {kRuneError, 1};  // overlong
    if (b0 == 0xED && b1 > 0x9F) return {kRuneError, 1};  // surrogate
    return {static_cast<char32_t>(((b0 & 0x0F) << 12) | ((b1 & 0x3F) << 6) | (byte(2) & 0x3F)), 3};
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return {kRuneError, 1};
    const unsigned char b1 = byte(1);
    if (b0 == 0xF0 && b1 < 0x90) return {kRuneError, 1};
    if (b0 == 0xF4 && b1 > 0x8F) return {kRuneError, 1};
    return {static_cast<char32_t>(((b0 & 0x07) << 18) | ((b1 & 0x3F) << 12) | ((byte(2) & 0x3F) << 6) |
                                  (byte(3) & 0x3F)),
            4};
  }
  return {kRuneError, 1};
}

void AppendRune(std::string& out, char32_t rune) {
  if (rune > 0x10FFFF || (rune >= 0xD800 && rune <= 0xDFFF)) rune = kRuneError;
  if (rune < 0x80) {
    out.push_back(static_cast<char>(rune));
  } else if (rune < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (rune >> 6)));
    out.push_back(static_cast<char>(0x80 | (rune & 0x3F)));
  } else if (rune < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (rune >> 12)));
    out.push_back(static_cast<char>(0x80 | ((rune >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (rune & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (rune >> 18)));
    out.push_back(static_cast<char>(0x80 | ((rune >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((rune >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (rune & 0x3F)));
  }
}

bool IsUnicodeSpace(char32_t r) {
  if (r < 0x80) return IsAsciiSpace(static_cast<unsigned char>(r));
  switch (r) {
    case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000:
      return true;
    default:
      return r >= 0x2000 && r <= 0x200A;
  }
}

std::string_view TrimLeftSpace(std::string_view text) {
  size_t pos = 0;
  while (pos < text.size()) {
    const DecodedRune d = DecodeRune(text, pos);
    if (!IsUnicodeSpace(d.rune) || (d.rune == kRuneError && d.width == 1)) break;
    pos += d.width;
  }
  return text.substr(pos);
}

std::string_view TrimRightSpace(std::string_view text) {
  while (!text.empty()) {
    const unsigned char last = static_cast<unsigned char>(text.back());
    if (last < 0x80) {
      if (!IsAsciiSpace(last)) break;
      text.remove_suffix(1);
      continue;
    }
    // Find the start of the last code point (at most 4 bytes back).
    size_t start = text.size() - 1;
    while (start > 0 && text.size() - start < 4 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) {
      --start;
    }
    const DecodedRune d = DecodeRune(text, start);
    if (start + d.width != text.size() || d.width <= 1 || !IsUnicodeSpace(d.rune)) break;
    text.remove_suffix(d.width);
  }
  return text;
}

std::string AsciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string AsciiUpper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

}  // namespace mybuild::frontend

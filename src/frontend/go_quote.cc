#include "src/frontend/go_quote.h"

#include "src/frontend/text_util.h"

namespace mybuild::frontend {
namespace {

constexpr char kHex[] = "0123456789abcdef";

struct Range {
  char32_t first;
  char32_t last;
};

// Code points that are not letters, marks, numbers, punctuation or symbols: Cc, Cf, Zs (except U+0020),
// Zl, Zp, Co, Cs and the noncharacters.
constexpr Range kNotPrintable[] = {
    {0x0000, 0x001F}, {0x007F, 0x009F}, {0x00A0, 0x00A0}, {0x00AD, 0x00AD}, {0x0600, 0x0605},
    {0x061C, 0x061C}, {0x06DD, 0x06DD}, {0x070F, 0x070F}, {0x0890, 0x0891}, {0x08E2, 0x08E2},
    {0x1680, 0x1680}, {0x180E, 0x180E}, {0x2000, 0x200F}, {0x2028, 0x202F}, {0x205F, 0x2064},
    {0x2066, 0x206F}, {0x3000, 0x3000}, {0xD800, 0xF8FF}, {0xFDD0, 0xFDEF}, {0xFEFF, 0xFEFF},
    {0xFFF0, 0xFFFB}, {0xFFFE, 0xFFFF}, {0x110BD, 0x110BD}, {0x110CD, 0x110CD}, {0x13430, 0x1343F},
    {0x1BCA0, 0x1BCA3}, {0x1D173, 0x1D17A}, {0xE0000, 0xE0FFF}, {0xF0000, 0x10FFFF},
};

}  // namespace

bool IsGoPrintable(char32_t rune) {
  if (rune > 0x10FFFF) return false;
  if ((rune & 0xFFFE) == 0xFFFE) return false;  // U+xFFFE / U+xFFFF noncharacters in every plane
  for (const Range& range : kNotPrintable) {
    if (rune < range.first) return true;
    if (rune <= range.last) return false;
  }
  return true;
}

std::string GoQuote(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out.push_back('"');
  size_t pos = 0;
  while (pos < text.size()) {
    const DecodedRune d = DecodeRune(text, pos);
    if (d.width == 1 && d.rune == kRuneError) {
      const auto b = static_cast<unsigned char>(text[pos]);
      out += "\\x";
      out.push_back(kHex[b >> 4]);
      out.push_back(kHex[b & 0xF]);
      pos += 1;
      continue;
    }
    const char32_t r = d.rune;
    if (r == '"' || r == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(r));
    } else if (r < 0x80 && r >= 0x20 && r != 0x7F) {
      out.push_back(static_cast<char>(r));
    } else if (r >= 0x80 && IsGoPrintable(r)) {
      out.append(text.substr(pos, d.width));
    } else {
      switch (r) {
        case '\a': out += "\\a"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\v': out += "\\v"; break;
        default:
          if (r < 0x20 || r == 0x7F) {
            out += "\\x";
            out.push_back(kHex[(r >> 4) & 0xF]);
            out.push_back(kHex[r & 0xF]);
          } else if (r < 0x10000) {
            out += "\\u";
            for (int shift = 12; shift >= 0; shift -= 4) out.push_back(kHex[(r >> shift) & 0xF]);
          } else {
            out += "\\U";
            for (int shift = 28; shift >= 0; shift -= 4) out.push_back(kHex[(r >> shift) & 0xF]);
          }
      }
    }
    pos += d.width;
  }
  out.push_back('"');
  return out;
}

std::string GoQuoteList(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out.push_back(' ');
    out += GoQuote(items[i]);
  }
  out.push_back(']');
  return out;
}

}  // namespace mybuild::frontend

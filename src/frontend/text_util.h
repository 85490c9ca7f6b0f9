// Small text helpers with the semantics of Go's strings/unicode packages, as the reference parser uses them:
// UTF-8 decoding where an invalid byte is one U+FFFD of width 1, Unicode white space, trimming.
#ifndef MYBUILD_FRONTEND_TEXT_UTIL_H_
#define MYBUILD_FRONTEND_TEXT_UTIL_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace mybuild::frontend {

inline constexpr char32_t kRuneError = 0xFFFD;

struct DecodedRune {
  char32_t rune = kRuneError;
  size_t width = 0;  // 0 only at the end of the input; 1 with kRuneError for an invalid byte
};

// Decodes the code point at `text[pos]` like Go's utf8.DecodeRuneInString.
DecodedRune DecodeRune(std::string_view text, size_t pos);

// Appends the UTF-8 encoding of `rune` (invalid code points become U+FFFD).
void AppendRune(std::string& out, char32_t rune);

// Go's unicode.IsSpace.
bool IsUnicodeSpace(char32_t rune);

// ASCII white space as Go's unicode.IsSpace sees single bytes below 0x80: \t \n \v \f \r and space.
inline bool IsAsciiSpace(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

// Go's strings.TrimLeftFunc(s, unicode.IsSpace) / TrimSpace.
std::string_view TrimLeftSpace(std::string_view text);
std::string_view TrimRightSpace(std::string_view text);
inline std::string_view TrimSpace(std::string_view text) { return TrimRightSpace(TrimLeftSpace(text)); }

// ASCII lower case (keywords are ASCII; other bytes are kept).
std::string AsciiLower(std::string_view text);
std::string AsciiUpper(std::string_view text);

}  // namespace mybuild::frontend

#endif  // MYBUILD_FRONTEND_TEXT_UTIL_H_

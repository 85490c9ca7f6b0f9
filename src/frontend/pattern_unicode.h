// Character classes for the word expander and the .dockerignore matcher, following Go's unicode
// package (the reference builder is written in Go) so that variable names end at the same place.
// Letters and digits outside ASCII are approximated by block ranges; see pattern_unicode.cc.
#ifndef MYBUILD_FRONTEND_PATTERN_UNICODE_H_
#define MYBUILD_FRONTEND_PATTERN_UNICODE_H_

#include "src/frontend/text_util.h"

namespace mybuild::frontend {

// Decoding, IsUnicodeSpace and TrimSpace come from text_util.h (shared with the parser).
bool IsUnicodeDigit(char32_t rune);   // Go unicode.IsDigit (decimal digits; common scripts)
bool IsUnicodeLetter(char32_t rune);  // Go unicode.IsLetter (exact for ASCII/Latin-1, approximate beyond)

}  // namespace mybuild::frontend

#endif  // MYBUILD_FRONTEND_PATTERN_UNICODE_H_

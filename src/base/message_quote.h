// How user-facing messages quote user input (a word, a path, a pattern): cut to a readable length, so that
// an error about a 600 KB word stays one line.
#ifndef MYBUILD_BASE_MESSAGE_QUOTE_H_
#define MYBUILD_BASE_MESSAGE_QUOTE_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace mybuild {

// The most bytes of user input a message quotes.
inline constexpr size_t kMaxQuotedBytes = 80;

// `text` itself when it fits in kMaxQuotedBytes; otherwise its first bytes (never cutting a UTF-8
// sequence) followed by "...". Quote the result the way the message needs (GoQuote, "…").
std::string CutForMessage(std::string_view text);

// CutForMessage(text) between double quotes, for messages that quote without escaping.
std::string QuoteForMessage(std::string_view text);

}  // namespace mybuild

#endif  // MYBUILD_BASE_MESSAGE_QUOTE_H_

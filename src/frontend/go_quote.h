// Go's strconv.Quote, the quoting of every string in the reference parse-tree dump (FORMAT.md §1.2).
#ifndef MYBUILD_FRONTEND_GO_QUOTE_H_
#define MYBUILD_FRONTEND_GO_QUOTE_H_

#include <string>
#include <string_view>
#include <vector>

namespace mybuild::frontend {

// "…" with \" and \\, \a \b \f \n \r \t \v, \xNN for other control characters and for bytes that are not
// valid UTF-8, \uNNNN / \UNNNNNNNN for non-printable code points; printable UTF-8 stays literal.
// Printability follows Go's strconv.IsPrint for all assigned ranges that matter in practice (controls,
// format characters, separators and spaces other than U+0020, private use, noncharacters); code points
// that are unassigned in Unicode are treated as printable.
std::string GoQuote(std::string_view text);

// Go's fmt "%q" of a []string: ["a" "b"].
std::string GoQuoteList(const std::vector<std::string>& items);

// Go's unicode/strconv notion of a printable code point (see GoQuote for the approximation).
bool IsGoPrintable(char32_t rune);

}  // namespace mybuild::frontend

#endif  // MYBUILD_FRONTEND_GO_QUOTE_H_

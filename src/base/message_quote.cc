#include "src/base/message_quote.h"

namespace mybuild {

std::string CutForMessage(std::string_view text) {
  constexpr std::string_view kEllipsis = "...";
  if (text.size() <= kMaxQuotedBytes) return std::string(text);
  size_t cut = kMaxQuotedBytes - kEllipsis.size();
  // Back up over UTF-8 continuation bytes (10xxxxxx) so that the cut falls between code points.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  std::string out(text.substr(0, cut));
  out += kEllipsis;
  return out;
}

std::string QuoteForMessage(std::string_view text) { return "\"" + CutForMessage(text) + "\""; }

}  // namespace mybuild

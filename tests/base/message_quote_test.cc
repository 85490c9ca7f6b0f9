#include "src/base/message_quote.h"

#include <doctest/doctest.h>

namespace mybuild {
namespace {

TEST_CASE("messages quote user input cut to a readable length") {
  CHECK(CutForMessage("short") == "short");
  CHECK(QuoteForMessage("/src/a*") == "\"/src/a*\"");
  const std::string exact(kMaxQuotedBytes, 'a');
  CHECK(CutForMessage(exact) == exact);

  const std::string huge(600 * 1024, 'b');
  const std::string cut = CutForMessage(huge);
  CHECK(cut.size() == kMaxQuotedBytes);
  CHECK(cut == std::string(kMaxQuotedBytes - 3, 'b') + "...");
  CHECK(QuoteForMessage(huge) == "\"" + cut + "\"");

  // Never in the middle of a UTF-8 sequence: "é" is two bytes.
  std::string accents;
  while (accents.size() < 200) accents += "\xC3\xA9";
  const std::string cut_accents = CutForMessage(accents);
  CHECK(cut_accents.size() <= kMaxQuotedBytes);
  CHECK(cut_accents.substr(cut_accents.size() - 3) == "...");
  const std::string kept = cut_accents.substr(0, cut_accents.size() - 3);
  CHECK(kept.size() % 2 == 0);
  CHECK(accents.compare(0, kept.size(), kept) == 0);
}

}  // namespace
}  // namespace mybuild

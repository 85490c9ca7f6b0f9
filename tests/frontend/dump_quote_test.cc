// Go strconv.Quote rules of the dump (FORMAT.md §1.2) and the dump layout.
#include <doctest/doctest.h>

#include <string>

#include "src/frontend/dump.h"
#include "src/frontend/go_quote.h"
#include "src/frontend/parser.h"

namespace mybuild::frontend {
namespace {

TEST_CASE("dump: Go quoting of strings") {
  CHECK(GoQuote("") == "\"\"");
  CHECK(GoQuote("plain text") == "\"plain text\"");
  CHECK(GoQuote("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(GoQuote("\a\b\f\n\r\t\v") == "\"\\a\\b\\f\\n\\r\\t\\v\"");
  CHECK(GoQuote(std::string("\0\x01\x1f\x7f", 4)) == "\"\\x00\\x01\\x1f\\x7f\"");
  CHECK(GoQuote("\xE2\x99\xA5 \xE2\x98\x83 \xED\x95\x9C\xEA\xB5\xAD\xEC\x96\xB4") ==
        "\"\xE2\x99\xA5 \xE2\x98\x83 \xED\x95\x9C\xEA\xB5\xAD\xEC\x96\xB4\"");  // ♥ ☃ 한국어 stay literal
  CHECK(GoQuote("\xC2\xA0") == "\"\\u00a0\"");                 // no-break space is not printable
  CHECK(GoQuote("\xC2\x85") == "\"\\u0085\"");                 // C1 control
  CHECK(GoQuote("\xE2\x80\x8B") == "\"\\u200b\"");             // zero-width space
  CHECK(GoQuote("\xEF\xBB\xBF") == "\"\\ufeff\"");             // BOM inside a string
  CHECK(GoQuote("\xF3\xA0\x80\x81") == "\"\\U000e0001\"");     // language tag
  CHECK(GoQuote("\xF0\x9F\x90\xB3") == "\"\xF0\x9F\x90\xB3\"");  // 🐳 printable
  CHECK(GoQuote("\xff\xfe") == "\"\\xff\\xfe\"");              // invalid UTF-8, byte by byte
  CHECK(GoQuote("\xC3") == "\"\\xc3\"");                       // truncated sequence
  CHECK(GoQuote("\xC0\xAF") == "\"\\xc0\\xaf\"");              // overlong
  CHECK(GoQuote("\xED\xA0\x80") == "\"\\xed\\xa0\\x80\"");     // surrogate
  CHECK(GoQuote("\xEF\xBF\xBD") == "\"\xEF\xBF\xBD\"");        // a real U+FFFD is printable
  CHECK(GoQuoteList({"--a=b", "x y"}) == "[\"--a=b\" \"x y\"]");
}

TEST_CASE("dump: layout of instructions, flags, ONBUILD and unknown words") {
  StatusOr<Dockerfile> parsed = ParseDockerfile(
      "FROM a\nCOPY --user=me --doit=true foo /tmp/\nONBUILD RUN [\"echo\", \"test\"]\nHEALTHCHECK\n"
      "CMD\nfoo bar baz\nCMD --doit -- [ ]\nonbuild\n");
  REQUIRE_MESSAGE(parsed.ok(), parsed.status().ToString());
  CHECK(DumpDockerfile(*parsed) ==
        "(from \"a\")\n"
        "(copy [\"--user=me\" \"--doit=true\"] \"foo\" \"/tmp/\")\n"
        "(onbuild (run \"echo\" \"test\"))\n"
        "(healthcheck)\n"
        "(cmd)\n"
        "(foo \"\")\n"
        "(cmd [\"--doit\"])\n"
        "(onbuild)\n");
}

}  // namespace
}  // namespace mybuild::frontend

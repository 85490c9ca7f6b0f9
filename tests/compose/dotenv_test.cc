#include "src/compose/dotenv.h"

#include <doctest/doctest.h>

namespace mybuild::compose {
namespace {

TEST_CASE("dotenv: the forms compose reads") {
  const std::string text =
      "# comment\n"
      "\n"
      "A=1\n"
      "export B = two words \n"
      "C='single $A'\n"
      "D=\"double $A\\n\"\n"
      "E=${A}-${OUTER}\n"
      "F=x # a comment\n"
      "G=\"multi\nline\"\n"
      "OUTER\n"
      "MISSING\n";
  auto lookup = [](const std::string& name) -> std::optional<std::string> {
    if (name == "OUTER") return std::string("out");
    return std::nullopt;
  };
  StatusOr<std::map<std::string, std::string>> values = ParseDotEnv(text, ".env", lookup);
  REQUIRE_MESSAGE(values.ok(), values.status().ToString());
  CHECK(values->at("A") == "1");
  CHECK(values->at("B") == "two words");
  CHECK(values->at("C") == "single $A");
  CHECK(values->at("D") == "double 1\n");
  CHECK(values->at("E") == "1-out");
  CHECK(values->at("F") == "x");
  CHECK(values->at("G") == "multi\nline");
  CHECK(values->at("OUTER") == "out");
  CHECK(values->count("MISSING") == 0);
}

TEST_CASE("dotenv: errors name the file and line") {
  auto none = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  StatusOr<std::map<std::string, std::string>> bad = ParseDotEnv("A=1\nB C=2\n", ".env", none);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().ToString().substr(0, 35) == ".env:2: invalid variable name \"B C\"");
  StatusOr<std::map<std::string, std::string>> open = ParseDotEnv("A='x\n", ".env", none);
  REQUIRE_FALSE(open.ok());
  CHECK(open.status().ToString().substr(0, 40) == ".env:1: unterminated single-quoted value");
}

}  // namespace
}  // namespace mybuild::compose

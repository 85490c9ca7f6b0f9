#include "src/compose/interpolation.h"

#include <doctest/doctest.h>

#include <map>

namespace mybuild::compose {
namespace {

const std::map<std::string, std::string> kVariables = {{"SET", "value"}, {"EMPTY", ""}, {"NESTED", "in"}};

std::optional<std::string> Lookup(const std::string& name) {
  auto found = kVariables.find(name);
  if (found == kVariables.end()) return std::nullopt;
  return found->second;
}

struct Case {
  const char* text;
  const char* expected;  // nullptr: an error containing `error`
  const char* error = nullptr;
};

// compose-go's template semantics (template/template.go), case by case.
const Case kCases[] = {
    {"plain", "plain"},
    {"$SET", "value"},
    {"${SET}", "value"},
    {"a${SET}b", "avalueb"},
    {"$SET-x", "value-x"},
    {"$$SET", "$SET"},
    {"$${SET}", "${SET}"},
    {"$UNSET", ""},
    {"${UNSET}", ""},
    {"${UNSET:-default}", "default"},
    {"${EMPTY:-default}", "default"},
    {"${SET:-default}", "value"},
    {"${UNSET-default}", "default"},
    {"${EMPTY-default}", ""},
    {"${SET:+alt}", "alt"},
    {"${EMPTY:+alt}", ""},
    {"${UNSET:+alt}", ""},
    {"${SET+alt}", "alt"},
    {"${EMPTY+alt}", "alt"},
    {"${UNSET+alt}", ""},
    {"${SET:?oops}", "value"},
    {"${EMPTY?oops}", ""},
    {"${UNSET:-${NESTED}side}", "inside"},
    {"${UNSET:-a:b-c}", "a:b-c"},
    {"${UNSET:-}", ""},
    {"$1 and $ and $-", "$1 and $ and $-"},
    {"trailing $", "trailing $"},
    {"${UNSET:?must be set}", nullptr, "required variable UNSET is missing a value: must be set"},
    {"${EMPTY:?}", nullptr, "required variable EMPTY is missing a value"},
    {"${UNSET?gone}", nullptr, "required variable UNSET is missing a value: gone"},
    {"${}", nullptr, "invalid interpolation format \"${}\""},
    {"${SET%x}", nullptr, "invalid interpolation format"},
    {"${SET", nullptr, "invalid interpolation format"},
    {"${1A}", nullptr, "invalid interpolation format"},
};

TEST_CASE("interpolation: every form as compose-go reads it") {
  for (const Case& c : kCases) {
    CAPTURE(c.text);
    StatusOr<InterpolationResult> result = Interpolate(c.text, Lookup);
    if (c.expected != nullptr) {
      REQUIRE_MESSAGE(result.ok(), result.status().ToString());
      CHECK(result->text == c.expected);
    } else {
      REQUIRE_FALSE(result.ok());
      CHECK(result.status().message().find(c.error) != std::string::npos);
    }
  }
}

TEST_CASE("interpolation: unset variables are reported, defaults are not") {
  StatusOr<InterpolationResult> result = Interpolate("$A ${B:-x} ${C}", Lookup);
  REQUIRE(result.ok());
  CHECK(result->unset == std::vector<std::string>{"A", "C"});
}

TEST_CASE("interpolation: errors in a tree name the key path and the location") {
  StatusOr<std::vector<Value>> documents = ParseYamlDocuments("services:\n  web:\n    image: ${TAG:?set TAG}\n", "c.yaml");
  REQUIRE(documents.ok());
  Status status = InterpolateTree((*documents)[0], Lookup, [](const std::string&) {});
  REQUIRE_FALSE(status.ok());
  CHECK(status.ToString() == "c.yaml:3:12: services.web.image: required variable TAG is missing a value: set TAG");
}

}  // namespace
}  // namespace mybuild::compose

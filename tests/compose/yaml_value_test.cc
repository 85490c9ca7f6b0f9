#include "src/compose/yaml_value.h"

#include <doctest/doctest.h>

namespace mybuild::compose {
namespace {

Value ParseOne(const std::string& text) {
  StatusOr<std::vector<Value>> documents = ParseYamlDocuments(text, "c.yaml");
  REQUIRE_MESSAGE(documents.ok(), documents.status().ToString());
  REQUIRE(documents->size() == 1);
  return (*documents)[0];
}

TEST_CASE("yaml value: merge keys take the anchor's keys without overriding the mapping's own") {
  Value root = ParseOne("base: &b {a: 1, b: 2}\nother: &o {c: 3, b: 9}\nuse:\n  <<: [*b, *o]\n  a: own\n");
  const Value* use = root.Find("use");
  REQUIRE(use != nullptr);
  REQUIRE(use->Find("a") != nullptr);
  CHECK(use->Find("a")->scalar == "own");
  CHECK(use->Find("b")->scalar == "2");  // the first source wins over later ones
  CHECK(use->Find("c")->scalar == "3");
  CHECK(use->Find("<<") == nullptr);
}

TEST_CASE("yaml value: a quoted << is an ordinary key") {
  Value root = ParseOne("a:\n  \"<<\": x\n");
  CHECK(root.Find("a")->Find("<<")->scalar == "x");
}

TEST_CASE("yaml value: aliases copy the anchored value") {
  Value root = ParseOne("a: &x [1, 2]\nb: *x\n");
  CHECK(root.Find("b")->items.size() == 2);
}

TEST_CASE("yaml value: locations are 1-based file:line:column and quoted scalars are strings") {
  Value root = ParseOne("services:\n  web:\n    image: \"1\"\n    scale: 2\n");
  const Value* image = root.Find("services")->Find("web")->Find("image");
  CHECK(image->location.ToString() == "c.yaml:3:12");
  CHECK(image->quoted);
  CHECK_FALSE(root.Find("services")->Find("web")->Find("scale")->quoted);
}

TEST_CASE("yaml value: errors") {
  StatusOr<std::vector<Value>> bad = ParseYamlDocuments("a: [1, 2\n", "c.yaml");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().ToString().rfind("c.yaml:", 0) == 0);
  CHECK(bad.status().message().find("invalid YAML") != std::string::npos);

  StatusOr<std::vector<Value>> duplicate = ParseYamlDocuments("a: 1\nb: 2\na: 3\n", "c.yaml");
  REQUIRE_FALSE(duplicate.ok());
  CHECK(duplicate.status().ToString() == "c.yaml:3:1: mapping key \"a\" already defined at line 1");

  StatusOr<std::vector<Value>> merge = ParseYamlDocuments("a:\n  <<: 3\n", "c.yaml");
  REQUIRE_FALSE(merge.ok());
  CHECK(merge.status().message().find("merge key << expects a mapping") != std::string::npos);
}

}  // namespace
}  // namespace mybuild::compose

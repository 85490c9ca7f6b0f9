#include "src/compose/merge.h"

#include <doctest/doctest.h>

#include "src/compose/config_output.h"

namespace mybuild::compose {
namespace {

Value Parse(const std::string& text) {
  StatusOr<std::vector<Value>> documents = ParseYamlDocuments(text, "c.yaml");
  REQUIRE_MESSAGE(documents.ok(), documents.status().ToString());
  return (*documents)[0];
}

std::string Merged(const std::string& base, const std::string& over) {
  StatusOr<Value> merged = MergeValues(Parse(base), Parse(over), {});
  REQUIRE_MESSAGE(merged.ok(), merged.status().ToString());
  EnforceUnicity(*merged);
  return ModelToJson(*merged).dump();
}

TEST_CASE("merge: the compose-spec rules by path") {
  // mappings merge, scalars are replaced
  CHECK(Merged("services: {a: {image: x, user: u}}", "services: {a: {image: y}}") ==
        R"({"services":{"a":{"command":null,"entrypoint":null,"image":"y","user":"u"}}})");
  // command is replaced, not appended
  CHECK(Merged("services: {a: {command: [a, b]}}", "services: {a: {command: [c]}}") ==
        R"({"services":{"a":{"command":["c"],"entrypoint":null}}})");
  // environment: a map and a list become one KEY=VALUE list, the later definition of a key wins in place
  CHECK(Merged("services: {a: {environment: {A: '1', B: '2'}}}", "services: {a: {environment: [B=3, C=4]}}") ==
        R"({"services":{"a":{"command":null,"entrypoint":null,"environment":["A=1","B=3","C=4"]}}})");
  // build as a string is the context
  CHECK(Merged("services: {a: {build: ./x}}", "services: {a: {build: {target: t}}}") ==
        R"({"services":{"a":{"build":{"context":"./x","target":"t"},"command":null,"entrypoint":null}}})");
  // ports are unique by host_ip:published:target/protocol; volumes by target
  CHECK(Merged("services: {a: {ports: ['80'], volumes: ['./a:/data']}}",
               "services: {a: {ports: ['80', '81'], volumes: ['./b:/data']}}") ==
        R"({"services":{"a":{"command":null,"entrypoint":null,"ports":["80","81"],"volumes":["./b:/data"]}}})");
  // depends_on: a list becomes a mapping with the default condition
  CHECK(Merged("services: {a: {depends_on: [b]}}", "services: {a: {depends_on: {c: {condition: service_healthy}}}}") ==
        R"({"services":{"a":{"command":null,"depends_on":{"b":{"condition":"service_started","required":true},"c":{"condition":"service_healthy"}},"entrypoint":null}}})");
  // other sequences append
  CHECK(Merged("services: {a: {cap_add: [A]}}", "services: {a: {cap_add: [B, A]}}") ==
        R"({"services":{"a":{"cap_add":["A","B"],"command":null,"entrypoint":null}}})");
}

TEST_CASE("merge: a mapping cannot be overridden by a scalar") {
  StatusOr<Value> merged = MergeValues(Parse("services: {a: {healthcheck: {test: x}}}"),
                                       Parse("services:\n  a:\n    healthcheck: none\n"), {});
  REQUIRE_FALSE(merged.ok());
  CHECK(merged.status().ToString() ==
        "c.yaml:3:18: cannot override services.a.healthcheck: expected a mapping as in c.yaml:1:29, got a scalar");
}

}  // namespace
}  // namespace mybuild::compose

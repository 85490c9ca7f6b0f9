#include "src/cli/output_spec.h"

#include <doctest/doctest.h>

namespace mybuild::cli {
namespace {

TEST_CASE("output spec: type=registry with several names and registry.insecure") {
  StatusOr<OutputSpec> spec = ParseOutputSpec("type=registry,name=r.test/a:1,r.test/b:2,registry.insecure=true");
  REQUIRE_MESSAGE(spec.ok(), spec.status().ToString());
  CHECK(spec->type == OutputSpec::Type::kRegistry);
  CHECK(spec->name == "r.test/a:1,r.test/b:2");
  CHECK(spec->insecure);

  spec = ParseOutputSpec("type=registry");
  REQUIRE(spec.ok());
  CHECK(spec->name.empty());
  CHECK_FALSE(spec->insecure);
}

TEST_CASE("output spec: type=image,push=true is type=registry; bad booleans are refused") {
  StatusOr<OutputSpec> spec = ParseOutputSpec("type=image,name=r.test/a,push=true");
  REQUIRE(spec.ok());
  CHECK(spec->type == OutputSpec::Type::kRegistry);
  spec = ParseOutputSpec("type=image,push=false");
  REQUIRE(spec.ok());
  CHECK(spec->type == OutputSpec::Type::kImage);
  CHECK(ParseOutputSpec("type=registry,registry.insecure=yes").status().code() == StatusCode::kInvalidArgument);
  CHECK(ParseOutputSpec("type=registry,bogus=1").status().code() == StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mybuild::cli

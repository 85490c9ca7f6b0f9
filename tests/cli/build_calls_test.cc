// --call values as buildx parses them, and the targets table in the reference's tabwriter layout.
#include <doctest/doctest.h>

#include "src/cli/build_calls.h"

namespace mybuild::cli {
namespace {

TEST_CASE("--call takes a name and format=json, lint is check") {
  CHECK(ParseCallSpec("outline")->name == "outline");
  StatusOr<CallSpec> json = ParseCallSpec("targets,format=json");
  REQUIRE(json.ok());
  CHECK(json->name == "targets");
  CHECK(json->format == "json");
  CHECK(ParseCallSpec("lint")->name == "check");
  CHECK(ParseCallSpec("build")->name == "build");
  CHECK(!ParseCallSpec("bogus").ok());
  CHECK(!ParseCallSpec("outline,targets").ok());
  CHECK(!ParseCallSpec("outline,format=yaml").ok());
  CHECK(!ParseCallSpec("outline,color=1").ok());
  CHECK(!ParseCallSpec("check,format=json").ok());  // not silently printed as text
}

TEST_CASE("the targets table pads every column but the last by one space past its widest cell") {
  std::vector<checks::TargetInfo> targets(2);
  targets[0].name = "build";
  targets[0].description = "makes it";
  targets[1].is_default = true;
  CHECK(FormatTargets(targets) == "TARGET    DESCRIPTION\nbuild     makes it\n(default) \n");
}

}  // namespace
}  // namespace mybuild::cli

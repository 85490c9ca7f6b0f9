#include "src/base/slash_path.h"

#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

namespace mybuild {
namespace {

TEST_CASE("CleanSlashPath: Go path.Clean") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "."},         {".", "."},         {"a/b/", "a/b"},     {"./a//b/./c", "a/b/c"}, {"a/../b", "b"},
      {"../a", "../a"},  {"a/../../b", "../b"}, {"/../a", "/a"},  {"/", "/"},              {"//a//", "/a"},
      {"a/b/../..", "."}, {"../../x/..", "../.."}, {"a//b/./c/..", "a/b"}, {"./", "."},
  };
  for (const auto& [in, want] : cases) {
    CAPTURE(in);
    CHECK(CleanSlashPath(in) == want);
  }
}

}  // namespace
}  // namespace mybuild

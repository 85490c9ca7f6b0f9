#include "src/rootless/id_map.h"

#include <doctest/doctest.h>

namespace mybuild::rootless {
namespace {

TEST_CASE("id map: the first subuid line of the user, by name or by uid") {
  const std::string text = "# comment\nalice:100000:65536\nbob:165536:65536\n1002:231072:1000\nbob:300000:5\n";
  CHECK(FindSubordinateRange(text, "alice", 1000) == IdRange{100000, 65536});
  CHECK(FindSubordinateRange(text, "bob", 1001) == IdRange{165536, 65536});
  CHECK(FindSubordinateRange(text, "carol", 1002) == IdRange{231072, 1000});
  CHECK_FALSE(FindSubordinateRange(text, "dave", 1003).has_value());
}

TEST_CASE("id map: malformed subuid lines are skipped") {
  const std::string text = "alice:x:65536\nalice:100000:0\nalice:4294967295:2\nalice:100000\nalice:200000:10";
  CHECK(FindSubordinateRange(text, "alice", 1000) == IdRange{200000, 10});
}

TEST_CASE("id map: the rootless map puts the user at 0 and the range at 1") {
  CHECK(RootlessMap(1000, IdRange{100000, 65536}) == IdMap{{0, 1000, 1}, {1, 100000, 65536}});
  CHECK(RootlessMap(1000, std::nullopt) == IdMap{{0, 1000, 1}});
  CHECK(HelperArguments(RootlessMap(1000, IdRange{100000, 5})) ==
        std::vector<std::string>{"0", "1000", "1", "1", "100000", "5"});
  CHECK(DescribeIdMap(RootlessMap(1000, IdRange{100000, 65536})) == "0→1000, 1-65536→100000-165535");
}

TEST_CASE("id map: /proc uid_map text, the initial map and host ids") {
  StatusOr<IdMap> initial = ParseIdMap("         0          0 4294967295\n");
  REQUIRE(initial.ok());
  CHECK(IsInitialMap(*initial));
  StatusOr<IdMap> nested = ParseIdMap("0 1000 1\n1 100000 65536\n");
  REQUIRE(nested.ok());
  CHECK_FALSE(IsInitialMap(*nested));
  CHECK(ToHost(*nested, 0) == 1000u);
  CHECK(ToHost(*nested, 1) == 100000u);
  CHECK(ToHost(*nested, 65536) == 165535u);
  CHECK_FALSE(ToHost(*nested, 65537).has_value());
  CHECK_FALSE(ParseIdMap("0 1000\n").ok());
}

}  // namespace
}  // namespace mybuild::rootless

#include "src/engine/disk_usage.h"

#include <doctest/doctest.h>

#include <fstream>

#include "src/base/temp_dir.h"

namespace mybuild::engine {
namespace {

TEST_CASE("disk usage: shared layers count once, reclaimable is what only unused images hold") {
  ImageUsage base{{{"sha256:a", 100}}, false};
  ImageUsage app{{{"sha256:a", 100}, {"sha256:b", 10}}, true};
  ImageUsage old{{{"sha256:c", 1000}}, false};
  UsageRow row = ImagesUsage({base, app, old});
  CHECK(row.total == 3);
  CHECK(row.active == 1);
  CHECK(row.size == 1110);
  CHECK(row.reclaimable == 1000);
  UsageRow items = ItemsUsage("Containers", {{5, true}, {7, false}});
  CHECK(items.active == 1);
  CHECK(items.size == 12);
  CHECK(items.reclaimable == 7);
}

TEST_CASE("disk usage: a tree's files and links, never followed") {
  TempDir dir = *TempDir::Create();
  std::filesystem::create_directories(dir.path() / "a/b");
  std::ofstream(dir.path() / "a/b/f") << "12345";
  std::filesystem::create_symlink("/usr", dir.path() / "a/link");  // 4 bytes of target, /usr not walked
  CHECK(TreeSize(dir.path()) == 9);
  CHECK(TreeSize(dir.path() / "missing") == 0);
}

}  // namespace
}  // namespace mybuild::engine

#include "snapshotter/snapshot_gc.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <set>

#include "src/base/temp_dir.h"

namespace mybuild::snapshotter {
namespace {

std::set<std::string> Keys(Snapshotter& snapshotter) {
  std::set<std::string> out;
  const std::vector<SnapshotInfo> all = *snapshotter.List();
  for (const SnapshotInfo& info : all) out.insert(info.key);
  return out;
}

void Commit(Snapshotter& snapshotter, const std::string& name, const std::string& parent, const std::string& content) {
  REQUIRE(snapshotter.Prepare("prepare-" + name, parent).ok());
  std::ofstream(snapshotter.Stat("prepare-" + name)->dir / name) << content;
  REQUIRE(snapshotter.Commit(name, "prepare-" + name).ok());
}

TEST_CASE("snapshot gc: roots keep their parent chains; the rest goes, children before parents") {
  TempDir dir = *TempDir::Create();
  std::unique_ptr<Snapshotter> snapshots = *NewNativeSnapshotter(dir.path());
  Commit(*snapshots, "a", "", "aaaa");
  Commit(*snapshots, "b", "a", "bb");
  Commit(*snapshots, "c", "b", "c");
  Commit(*snapshots, "d", "", "dddd");
  Commit(*snapshots, "e", "d", "e");
  Commit(*snapshots, "f", "b", "f");
  REQUIRE(snapshots->Prepare("left-active", "e").ok());
  REQUIRE(snapshots->View("left-view", "c").ok());

  StatusOr<std::vector<RemovedSnapshot>> dry = SweepSnapshots(*snapshots, {"c", "no-such"}, /*dry_run=*/true);
  REQUIRE(dry.ok());
  CHECK(dry->size() == 5);
  CHECK(Keys(*snapshots).size() == 8);

  StatusOr<std::vector<RemovedSnapshot>> removed = SweepSnapshots(*snapshots, {"c", "no-such"}, false);
  REQUIRE(removed.ok());
  std::vector<std::string> order;
  for (const RemovedSnapshot& r : *removed) order.push_back(r.key);
  CHECK(std::set<std::string>(order.begin(), order.end()) ==
        std::set<std::string>{"d", "e", "f", "left-active", "left-view"});
  // Every snapshot went after its children.
  auto position = [&](const std::string& key) { return std::find(order.begin(), order.end(), key) - order.begin(); };
  CHECK(position("left-active") < position("e"));
  CHECK(position("e") < position("d"));
  CHECK(Keys(*snapshots) == std::set<std::string>{"a", "b", "c"});
  size_t dirs = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path() / "snapshots")) ++dirs;
  CHECK(dirs == 3);
  // A native snapshot is a full tree: d held 4 bytes, e 4 + 1.
  for (const RemovedSnapshot& r : *removed) {
    if (r.key == "d") CHECK(r.bytes == 4);
    if (r.key == "e") CHECK(r.bytes == 5);
  }
}

TEST_CASE("snapshot gc: an active snapshot named as a root is not live") {
  TempDir dir = *TempDir::Create();
  std::unique_ptr<Snapshotter> snapshots = *NewNativeSnapshotter(dir.path());
  REQUIRE(snapshots->Prepare("building", "").ok());
  REQUIRE(SweepSnapshots(*snapshots, {"building"}, false).ok());
  CHECK(Keys(*snapshots).empty());
}

TEST_CASE("snapshot gc: an active root (a container's snapshot) stays with its parent chain") {
  TempDir dir = *TempDir::Create();
  std::unique_ptr<Snapshotter> snapshots = *NewNativeSnapshotter(dir.path());
  REQUIRE(snapshots->Prepare("k-base", "").ok());
  REQUIRE(snapshots->Commit("base", "k-base").ok());
  REQUIRE(snapshots->Prepare("container-1", "base").ok());
  REQUIRE(snapshots->Prepare("building", "base").ok());
  REQUIRE(SweepSnapshots(*snapshots, {}, false, {"container-1", "base"}).ok());
  CHECK(Keys(*snapshots) == std::set<std::string>{"base", "container-1"});
}

}  // namespace
}  // namespace mybuild::snapshotter

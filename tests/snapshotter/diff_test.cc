#include "snapshotter/diff.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "snapshotter/tree_copy.h"
#include "src/base/temp_dir.h"
#include "tests/snapshotter/sandbox.h"
#include "tests/test_support.h"

namespace mybuild::snapshotter {
namespace {

namespace fs = std::filesystem;
using testing::Spit;

struct Trees {
  TempDir tmp;
  fs::path lower, upper;
  Trees() {
    auto t = TempDir::Create({}, "difftest-");
    REQUIRE(t.ok());
    tmp = std::move(t).value();
    lower = tmp.path() / "lower";
    upper = tmp.path() / "upper";
    fs::create_directories(lower);
    fs::create_directories(upper);
  }
  // Copies lower to upper (metadata and all), as the native snapshotter does.
  void Copy() { REQUIRE(CopyTree(lower, upper).ok()); }
  std::vector<std::string> Diff() {
    auto d = DiffTrees(lower, upper);
    REQUIRE_MESSAGE(d.ok(), d.status().ToString());
    std::vector<std::string> out;
    for (const auto& e : *d) out.push_back(DescribeEntry(e));
    return out;
  }
};

void SetTime(const fs::path& p, time_t sec, long nsec) {
  struct timespec ts[2] = {{sec, nsec}, {sec, nsec}};
  REQUIRE(::utimensat(AT_FDCWD, p.c_str(), ts, AT_SYMLINK_NOFOLLOW) == 0);
}

TEST_CASE("EntryPathLess: depth-first, names byte-wise, opaque marker first") {
  std::vector<std::string> paths = {"a.txt", "a/b", "a", "b/.wh..wh..opq", "b/-x", "b", "a/.wh.c", "A"};
  std::sort(paths.begin(), paths.end(), EntryPathLess);
  CHECK(paths == std::vector<std::string>{"A", "a", "a/.wh.c", "a/b", "a.txt", "b", "b/.wh..wh..opq", "b/-x"});
}

TEST_CASE("an unchanged copy has an empty diff") {
  Trees t;
  fs::create_directories(t.lower / "d/e");
  Spit(t.lower / "d/f", "content");
  SetTime(t.lower / "d/f", 1000, 0);
  fs::create_symlink("d/f", t.lower / "l");
  REQUIRE(::mkfifo((t.lower / "fifo").c_str(), 0600) == 0);
  t.Copy();
  CHECK(t.Diff().empty());
}

TEST_CASE("content change with equal size and whole-second mtime is detected") {
  Trees t;
  Spit(t.lower / "f", "aaaa");
  SetTime(t.lower / "f", 1000, 0);
  t.Copy();
  Spit(t.upper / "f", "bbbb");
  SetTime(t.upper / "f", 1000, 0);
  CHECK(t.Diff() == std::vector<std::string>{"file f 0644 0:0 size=4"});
}

TEST_CASE("type changes, xattrs, devices, owners") {
  Trees t;
  fs::create_directories(t.lower / "was_dir/child");
  Spit(t.lower / "was_file", "x");
  Spit(t.lower / "x", "x");
  t.Copy();
  fs::remove_all(t.upper / "was_dir");
  Spit(t.upper / "was_dir", "now file");
  fs::remove(t.upper / "was_file");
  fs::create_directories(t.upper / "was_file/inner");
  REQUIRE(::setxattr((t.upper / "x").c_str(), "user.k", "v", 1, 0) == 0);
  REQUIRE(::mknod((t.upper / "null").c_str(), S_IFCHR | 0666, makedev(1, 3)) == 0);
  REQUIRE(::chmod((t.upper / "null").c_str(), 0666) == 0);
  REQUIRE(::lchown((t.upper / "was_dir").c_str(), 7, 8) == 0);
  CHECK(t.Diff() == std::vector<std::string>{
                        "chardev null 0666 0:0 dev=1,3",
                        "file was_dir 0644 7:8 size=8",
                        "dir was_file 0755 0:0",
                        "dir was_file/inner 0755 0:0",
                        "file x 0644 0:0 size=1 xattr:user.k=1",
                    });
}

TEST_CASE("deleted trees give one whiteout; new hardlinks are linked") {
  Trees t;
  fs::create_directories(t.lower / "gone/deep/er");
  t.Copy();
  fs::remove_all(t.upper / "gone");
  Spit(t.upper / "h1", "same");
  fs::create_hard_link(t.upper / "h1", t.upper / "h2");
  CHECK(t.Diff() == std::vector<std::string>{"whiteout .wh.gone 0000 0:0", "file h1 0644 0:0 size=4",
                                             "hardlink h2 0644 0:0 -> h1"});
}

TEST_CASE("a file named .wh.* in the upper cannot be diffed") {
  Trees t;
  Spit(t.upper / ".wh.sneaky", "x");
  auto d = DiffTrees(t.lower, t.upper);
  REQUIRE_FALSE(d.ok());
  CHECK(d.status().message().find(".wh.sneaky") != std::string::npos);
}

TEST_CASE("overlay upper: whiteout devices and opaque dirs without a lower view") {
  Trees t;
  REQUIRE(::mknod((t.upper / "deleted").c_str(), S_IFCHR | 0000, makedev(0, 0)) == 0);
  fs::create_directories(t.upper / "op");
  REQUIRE(::setxattr((t.upper / "op").c_str(), "trusted.overlay.opaque", "y", 1, 0) == 0);
  Spit(t.upper / "op/f", "1");
  fs::create_directories(t.lower / "op/old");
  auto d = DiffOverlayUpper(t.upper, t.lower);
  REQUIRE(d.ok());
  std::vector<std::string> paths;
  for (const auto& e : *d) paths.push_back(e.path);
  // "deleted" is not in the lower view: nothing to hide.
  CHECK(paths == std::vector<std::string>{"op", "op/.wh..wh..opq", "op/f"});
  auto no_lower = DiffOverlayUpper(t.upper, "");
  REQUIRE(no_lower.ok());
  paths.clear();
  for (const auto& e : *no_lower) paths.push_back(e.path);
  CHECK(paths == std::vector<std::string>{".wh.deleted", "op", "op/f"});
}

TEST_CASE("overlay upper: overlayfs's own user.overlay.* xattrs (userxattr) never reach a layer") {
  Trees t;
  Spit(t.upper / "f", "1");
  REQUIRE(::setxattr((t.upper / "f").c_str(), "user.overlay.origin", "o", 1, 0) == 0);
  REQUIRE(::setxattr((t.upper / "f").c_str(), "user.keep", "k", 1, 0) == 0);
  auto d = DiffOverlayUpper(t.upper, t.lower);
  REQUIRE(d.ok());
  REQUIRE(d->size() == 1);
  CHECK((*d)[0].xattrs.size() == 1);
  CHECK((*d)[0].xattrs.count("user.keep") == 1);
}

// Lists a diff as "path" strings, for comparing the two sources.
std::vector<std::string> Paths(const StatusOr<std::vector<LayerEntry>>& d) {
  REQUIRE_MESSAGE(d.ok(), d.status().ToString());
  std::vector<std::string> out;
  for (const auto& e : *d) out.push_back(DescribeEntry(e));
  return out;
}

TEST_CASE("a recreated directory is opaque, a partly emptied one gets whiteouts: native and overlay agree") {
  Trees t;
  fs::create_directories(t.lower / "again/sub");
  Spit(t.lower / "again/old", "o");
  Spit(t.lower / "again/sub/deep", "d");
  fs::create_directories(t.lower / "partly/sub");
  Spit(t.lower / "partly/a", "a");
  Spit(t.lower / "partly/sub/b", "b");
  Spit(t.lower / "partly/keep", "k");
  fs::create_directories(t.lower / "emptied");
  Spit(t.lower / "emptied/x", "x");
  fs::create_directories(t.lower / "reused/sub");
  Spit(t.lower / "reused/sub/old", "o");
  Spit(t.lower / "reused/gone", "g");
  for (const char* dir : {"again", "partly", "partly/sub", "emptied", "reused", "reused/sub"}) {
    SetTime(t.lower / dir, 1000, 0);
  }
  t.Copy();
  // The native upper: the result as a full tree.
  fs::remove_all(t.upper / "again");
  fs::create_directories(t.upper / "again");
  Spit(t.upper / "again/new", "n");
  fs::remove(t.upper / "partly/a");
  fs::remove_all(t.upper / "partly/sub");
  fs::remove(t.upper / "emptied/x");
  fs::remove_all(t.upper / "reused");
  fs::create_directories(t.upper / "reused/sub");
  Spit(t.upper / "reused/sub/new", "n");
  for (const char* dir : {"again", "partly", "emptied", "reused", "reused/sub"}) SetTime(t.upper / dir, 2000, 0);
  SetTime(t.upper / "again/new", 2000, 0);
  SetTime(t.upper / "reused/sub/new", 2000, 0);
  std::vector<std::string> native = Paths(DiffTrees(t.lower, t.upper));
  std::string joined;
  for (const auto& line : native) joined += line + "\n";
  INFO(joined);
  CHECK(native == std::vector<std::string>{
                      "dir again 0755 0:0", "whiteout again/.wh..wh..opq 0000 0:0", "file again/new 0644 0:0 size=1",
                      "dir emptied 0755 0:0", "whiteout emptied/.wh..wh..opq 0000 0:0", "dir partly 0755 0:0",
                      "whiteout partly/.wh.a 0000 0:0", "whiteout partly/.wh.sub 0000 0:0", "dir reused 0755 0:0",
                      "whiteout reused/.wh.gone 0000 0:0", "dir reused/sub 0755 0:0",
                      "whiteout reused/sub/.wh..wh..opq 0000 0:0", "file reused/sub/new 0644 0:0 size=1"});

  // The overlay upper of the same change: opaque where overlayfs recreated, whiteout devices elsewhere.
  fs::path upper = t.tmp.path() / "overlay-upper";
  fs::create_directories(upper / "again");
  REQUIRE(::setxattr((upper / "again").c_str(), "trusted.overlay.opaque", "y", 1, 0) == 0);
  Spit(upper / "again/new", "n");
  fs::create_directories(upper / "partly");
  REQUIRE(::mknod((upper / "partly/a").c_str(), S_IFCHR | 0000, makedev(0, 0)) == 0);
  REQUIRE(::mknod((upper / "partly/sub").c_str(), S_IFCHR | 0000, makedev(0, 0)) == 0);
  fs::create_directories(upper / "emptied");
  REQUIRE(::mknod((upper / "emptied/x").c_str(), S_IFCHR | 0000, makedev(0, 0)) == 0);
  fs::create_directories(upper / "reused/sub");
  REQUIRE(::setxattr((upper / "reused").c_str(), "trusted.overlay.opaque", "y", 1, 0) == 0);
  Spit(upper / "reused/sub/new", "n");
  for (const char* dir : {"again", "partly", "emptied", "reused", "reused/sub"}) SetTime(upper / dir, 2000, 0);
  SetTime(upper / "again/new", 2000, 0);
  SetTime(upper / "reused/sub/new", 2000, 0);
  std::vector<std::string> overlay = Paths(DiffOverlayUpper(upper, t.lower));
  std::string overlay_joined;
  for (const auto& line : overlay) overlay_joined += line + "\n";
  INFO(overlay_joined);
  CHECK(overlay == native);
}

TEST_CASE("OpenEntryContent refuses a swapped file") {
  Trees t;
  Spit(t.upper / "f", "abc");
  auto d = DiffTrees("", t.upper);
  REQUIRE(d.ok());
  REQUIRE(d->size() == 1);
  CHECK(OpenEntryContent((*d)[0]).ok());
  fs::remove(t.upper / "f");
  fs::create_symlink("/etc/passwd", t.upper / "f");
  CHECK_FALSE(OpenEntryContent((*d)[0]).ok());
}

}  // namespace
}  // namespace mybuild::snapshotter

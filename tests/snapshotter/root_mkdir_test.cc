// MkdirAllThroughLinks: mkdir -p of an in-image path through symlinks planted in a layer, as the container
// (and BuildKit's mkdir) would follow them, never leaving the root; errors name in-image paths only.
#include "snapshotter/root_mkdir.h"

#include <sys/stat.h>

#include <filesystem>

#include "tests/snapshotter/sandbox.h"
#include "tests/test_support.h"

namespace mybuild::snapshotter {
namespace {

namespace fs = std::filesystem;
using testing::Sandbox;
using testing::Spit;

TEST_CASE("MkdirAllThroughLinks creates the target of a dangling symlink inside the root") {
  Sandbox s;
  fs::create_symlink("/target", s.root / "abs");               // dangling, absolute
  fs::create_symlink("rel-target", s.root / "rel");            // dangling, relative
  fs::create_symlink(s.outside / "new", s.root / "host");      // a host path: taken inside the root
  fs::create_symlink("../../../../escape", s.root / "climb");  // ".." stops at the root
  fs::create_directories(s.root / "usr/lib");
  fs::create_symlink("usr/lib", s.root / "lib");               // to an existing directory
  RootFs root = s.Rootfs();
  for (const char* path : {"/abs/sub", "/rel", "/host/x", "/climb/y", "/lib/z", "/plain/a/b"}) {
    CAPTURE(path);
    Status made = MkdirAllThroughLinks(root, path, 0750, Ownership{1000, 50});
    REQUIRE_MESSAGE(made.ok(), made.ToString());
  }
  CHECK(fs::is_directory(s.root / "target/sub"));
  CHECK(fs::is_directory(s.root / "rel-target"));
  CHECK(fs::is_directory(s.root / s.outside.relative_path() / "new/x"));
  CHECK(fs::is_directory(s.root / "escape/y"));
  CHECK(fs::is_directory(s.root / "usr/lib/z"));
  CHECK(fs::is_symlink(s.root / "abs"));  // the links stay links
  struct stat st {};
  REQUIRE(::stat((s.root / "target/sub").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0750);
  CHECK(st.st_uid == 1000);
  CHECK(st.st_gid == 50);
  REQUIRE(::stat((s.root / "usr/lib").c_str(), &st) == 0);
  CHECK(st.st_uid == 0);  // existing directories are kept as they are
  CHECK(!fs::exists(s.outside / "new"));
  CHECK(!fs::exists(s.root.parent_path() / "escape"));
  s.CheckContained();
}

TEST_CASE("MkdirAllThroughLinks makes no directory that a later \"..\" leaves") {
  Sandbox s;
  fs::create_directories(s.root / "usr/lib");
  fs::create_symlink("usr/lib", s.root / "lib");
  RootFs root = s.Rootfs();
  REQUIRE(MkdirAllThroughLinks(root, "/a/../b//").ok());
  REQUIRE(MkdirAllThroughLinks(root, "/m/n/../../c/./d/..").ok());
  REQUIRE(MkdirAllThroughLinks(root, "/lib/../x").ok());  // ".." after a link: from its target
  CHECK(fs::is_directory(s.root / "b"));
  CHECK(fs::is_directory(s.root / "c"));
  CHECK(!fs::exists(s.root / "c/d"));
  CHECK(fs::is_directory(s.root / "usr/x"));
  CHECK(!fs::exists(s.root / "a"));
  CHECK(!fs::exists(s.root / "m"));
  CHECK(!fs::exists(s.root / "x"));
}

TEST_CASE("MkdirAllThroughLinks errors name the in-image path, not the host one") {
  Sandbox s;
  Spit(s.root / "file", "x");
  fs::create_symlink("file", s.root / "to-file");
  fs::create_symlink("loop", s.root / "loop");
  RootFs root = s.Rootfs();
  Status file = MkdirAllThroughLinks(root, "/file/sub");
  CHECK(file.code() == StatusCode::kInvalidArgument);
  CHECK(file.message() == "cannot create directory \"/file/sub\": \"/file\" exists and is not a directory");
  Status via_link = MkdirAllThroughLinks(root, "/to-file/sub");
  CHECK(via_link.message() == "cannot create directory \"/to-file/sub\": \"/file\" exists and is not a directory");
  Status loop = MkdirAllThroughLinks(root, "/loop/x");
  CHECK(loop.code() == StatusCode::kInvalidArgument);
  CHECK(loop.message() == "cannot create directory \"/loop/x\": too many levels of symbolic links");
  for (const Status& status : {file, via_link, loop}) {
    CHECK(status.message().find(s.root.string()) == std::string::npos);
  }
}

}  // namespace
}  // namespace mybuild::snapshotter

// Host-side work in a hostile rootfs: creating the working directory and removing mount stubs must
// stay inside the root whatever symlinks the image holds.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "src/base/temp_dir.h"
#include "src/base/unique_fd.h"
#include "src/executor/mount_stubs.h"
#include "src/executor/root_mkdir.h"

namespace mybuild::executor {
namespace {

namespace fs = std::filesystem;

struct Roots {
  TempDir root = std::move(TempDir::Create({}, "mybuild-root-").value());
  TempDir outside = std::move(TempDir::Create({}, "mybuild-outside-").value());
  UniqueFd root_fd{open(root.path().c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC)};
};

TEST_CASE("MakeDirectoriesInRoot follows symlinks the way the container would") {
  Roots roots;
  const fs::path& root = roots.root.path();
  fs::create_symlink(roots.outside.path(), root / "abs");            // absolute: restarts at the root
  fs::create_symlink("../../../../../x", root / "climb");            // ".." stops at the root
  fs::create_directories(root / "a");
  fs::create_symlink("../abs", root / "a/rel");                      // relative, then absolute
  REQUIRE(MakeDirectoriesInRoot(roots.root_fd.get(), "/plain/dir").ok());
  REQUIRE(MakeDirectoriesInRoot(roots.root_fd.get(), "/abs/sub").ok());
  REQUIRE(MakeDirectoriesInRoot(roots.root_fd.get(), "/climb/y").ok());
  REQUIRE(MakeDirectoriesInRoot(roots.root_fd.get(), "/a/rel/deeper").ok());
  CHECK(fs::is_directory(root / "plain/dir"));
  CHECK(fs::is_directory(root / roots.outside.path().relative_path() / "sub"));
  CHECK(fs::is_directory(root / roots.outside.path().relative_path() / "deeper"));
  CHECK(fs::is_directory(root / "x/y"));
  CHECK(fs::is_empty(roots.outside.path()));
  CHECK((fs::status(root / "plain/dir").permissions() & fs::perms::all) == fs::perms(0755));
}

TEST_CASE("MakeDirectoriesInRoot refuses loops and files in the way") {
  Roots roots;
  const fs::path& root = roots.root.path();
  fs::create_symlink("loop", root / "loop");
  std::ofstream(root / "file") << "x";
  CHECK(MakeDirectoriesInRoot(roots.root_fd.get(), "/loop/x").code() == StatusCode::kInvalidArgument);
  CHECK(MakeDirectoriesInRoot(roots.root_fd.get(), "/file/x").code() == StatusCode::kInvalidArgument);
}

TEST_CASE("RemoveMountStubs removes only empty stubs and never leaves the root") {
  Roots roots;
  const fs::path& root = roots.root.path();
  fs::create_directories(root / "etc");
  std::ofstream(root / "etc/hosts");                 // empty stub: removed
  std::ofstream(root / "etc/motd") << "written";     // the command wrote it: kept
  fs::create_directories(root / "proc");             // empty: removed
  fs::create_directories(root / "cache/data");       // not empty: kept
  // A link swapped in for a stub's parent resolves inside the root, not at the host path.
  fs::create_directories(roots.outside.path() / "victim");
  fs::create_symlink(roots.outside.path(), root / "swapped");
  Status status = RemoveMountStubs(roots.root_fd.get(),
                                   {"/etc", "/etc/hosts", "/etc/motd", "/proc", "/cache", "/swapped/victim"});
  CHECK(status.ok());
  CHECK(!fs::exists(root / "etc/hosts"));
  CHECK(fs::exists(root / "etc/motd"));
  CHECK(fs::exists(root / "etc"));
  CHECK(!fs::exists(root / "proc"));
  CHECK(fs::exists(root / "cache/data"));
  CHECK(fs::is_directory(roots.outside.path() / "victim"));
}

}  // namespace
}  // namespace mybuild::executor

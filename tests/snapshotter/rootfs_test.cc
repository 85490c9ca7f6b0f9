#include "snapshotter/rootfs.h"
#include "snapshotter/scoped_mount.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "tests/snapshotter/sandbox.h"
#include "tests/test_support.h"

namespace mybuild::snapshotter {
namespace {

namespace fs = std::filesystem;
using testing::Sandbox;
using testing::Slurp;
using testing::Spit;

TEST_CASE("CleanComponents is lexical and clamps at the root") {
  CHECK(RootFs::CleanComponents("/a/./b//c/") == std::vector<std::string>{"a", "b", "c"});
  CHECK(RootFs::CleanComponents("../../x") == std::vector<std::string>{"x"});
  CHECK(RootFs::CleanComponents("a/../../b") == std::vector<std::string>{"b"});
  CHECK(RootFs::CleanComponents("/").empty());
}

void ResolutionScenario() {
  Sandbox s;
  fs::create_directories(s.root / "usr/lib");
  fs::create_directories(s.root / "run");
  Spit(s.root / "usr/lib/libc.so", "libc");
  fs::create_symlink("usr/lib", s.root / "lib");
  fs::create_symlink("/run", s.root / "varrun");
  fs::create_symlink("../../../../..", s.root / "up");
  fs::create_symlink(s.outside, s.root / "out");
  fs::create_symlink("loop2", s.root / "loop1");
  fs::create_symlink("loop1", s.root / "loop2");
  RootFs r = s.Rootfs();

  auto fd = r.Open("lib/libc.so", O_RDONLY);
  REQUIRE(fd.ok());
  char buf[8] = {};
  CHECK(::read(fd->get(), buf, sizeof buf) == 4);

  // Absolute and over-climbing links stay inside.
  auto st = r.Stat("up/usr/lib/libc.so");
  REQUIRE(st.ok());
  CHECK(r.Stat("out/marker").status().code() == StatusCode::kNotFound);
  CHECK(r.Open("/../../../" + (s.outside / "marker").string(), O_RDONLY).status().code() == StatusCode::kNotFound);
  CHECK_FALSE(r.Open("loop1", O_RDONLY).ok());

  // Lstat does not follow the final link.
  auto l = r.Lstat("lib");
  REQUIRE(l.ok());
  CHECK(S_ISLNK(l->st_mode));

  // MkdirAll through an absolute symlink creates inside the root.
  auto d = r.MkdirAll("varrun/app/sub", 0750, Ownership{5, 6});
  REQUIRE_MESSAGE(d.ok(), d.status().ToString());
  struct stat sb {};
  REQUIRE(::lstat((s.root / "run/app/sub").c_str(), &sb) == 0);
  CHECK((sb.st_mode & 0777) == 0750);
  CHECK(sb.st_uid == 5u);
  CHECK_FALSE(r.MkdirAll("lib/libc.so/x").ok());

  // Writes, links and metadata never follow the final component.
  UniqueFd src(::open((s.outside / "marker").c_str(), O_RDONLY));
  REQUIRE(r.Chmod("out", 0777).ok());
  REQUIRE(r.Chown("out", 77, 77).ok());
  REQUIRE(r.SetMtime("out", Timestamp{1, 0}).ok());
  auto w = r.WriteFile("out", -1, 0600);
  REQUIRE(w.ok());
  CHECK(fs::is_regular_file(fs::symlink_status(s.root / "out")));
  REQUIRE(r.Symlink("/etc/shadow", "newlink").ok());
  REQUIRE(r.Hardlink("newlink", "hard").ok());
  CHECK(fs::is_symlink(s.root / "hard"));
  REQUIRE(r.RemoveAll("usr").ok());
  CHECK_FALSE(fs::exists(s.root / "usr"));
  CHECK_FALSE(r.RemoveAll("/").ok());
  s.CheckContained();
}

TEST_CASE("RootFs resolution with openat2") {
  if (!RootFs::HaveOpenat2()) MYBUILD_SKIP("kernel has no openat2");
  ResolutionScenario();
}

TEST_CASE("RootFs resolution with the fallback walk") {
  RootFs::ForceFallbackForTesting(true);
  ResolutionScenario();
  RootFs::ForceFallbackForTesting(false);
}

void NoXdevScenario() {
  Sandbox s;
  std::filesystem::create_directories(s.root / "proc");
  std::filesystem::create_directories(s.root / "plain");
  auto m = ScopedMount::MountAll({{"bind", s.outside.string(), {"ro"}}}, s.root / "proc");
  if (!m.ok()) MYBUILD_SKIP("bind mount not permitted: " + m.status().message());
  auto crossing = RootFs::Open(s.root, /*no_xdev=*/true);
  REQUIRE(crossing.ok());
  CHECK_FALSE(crossing->Open("proc/marker", O_RDONLY).ok());
  CHECK(crossing->Lstat("plain").ok());
  auto normal = RootFs::Open(s.root);
  REQUIRE(normal.ok());
  CHECK(normal->Open("proc/marker", O_RDONLY).ok());
}

TEST_CASE("RootFs no_xdev refuses to cross mount points") {
  NoXdevScenario();
  RootFs::ForceFallbackForTesting(true);
  NoXdevScenario();
  RootFs::ForceFallbackForTesting(false);
}

}  // namespace
}  // namespace mybuild::snapshotter

// ResolveInRoot: an in-image path with every symlink on it followed inside the root, as continuity's
// fs.RootPath and runc's SecureJoin do; missing components are kept as named, nothing outside the root is
// ever looked at or named.
#include "snapshotter/root_path.h"

#include <filesystem>
#include <string>

#include "tests/snapshotter/sandbox.h"
#include "tests/test_support.h"

namespace mybuild::snapshotter {
namespace {

namespace fs = std::filesystem;
using testing::Sandbox;
using testing::Spit;

// The resolved absolute path of `path`, or the error's message.
std::string Resolved(const RootFs& root, const std::string& path) {
  StatusOr<RootPath> resolved = ResolveInRoot(root, path);
  if (!resolved.ok()) return "error: " + resolved.status().message();
  return resolved->Absolute();
}

TEST_CASE("ResolveInRoot follows absolute and relative links inside the root") {
  Sandbox s;
  fs::create_directories(s.root / "usr/lib/x86");
  fs::create_directories(s.root / "var");
  fs::create_directories(s.root / "run");
  fs::create_symlink("usr/lib", s.root / "lib");         // relative, from the root
  fs::create_symlink("/run", s.root / "var/run");        // absolute: starts again at the root
  fs::create_symlink("../lib/x86", s.root / "usr/arch");  // relative with "..", through another link
  fs::create_symlink("lib", s.root / "chain1");
  fs::create_symlink("/chain1", s.root / "chain2");      // a chain of links
  RootFs root = s.Rootfs();
  CHECK(Resolved(root, "/lib") == "/usr/lib");  // the final component is followed too
  CHECK(Resolved(root, "/lib/x86/libc.so") == "/usr/lib/x86/libc.so");
  CHECK(Resolved(root, "/var/run/lock") == "/run/lock");
  CHECK(Resolved(root, "/usr/arch/f") == "/usr/lib/x86/f");
  CHECK(Resolved(root, "/chain2/x86") == "/usr/lib/x86");
  CHECK(Resolved(root, "lib") == "/usr/lib");  // relative: taken from the root
  CHECK(Resolved(root, "/") == "/");
  CHECK(Resolved(root, "") == "/");
  CHECK(fs::is_symlink(s.root / "lib"));  // nothing is changed
}

TEST_CASE("ResolveInRoot applies \"..\" to what the components before it resolved to") {
  Sandbox s;
  fs::create_directories(s.root / "usr/lib");
  fs::create_symlink("usr/lib", s.root / "lib");
  RootFs root = s.Rootfs();
  CHECK(Resolved(root, "/lib/../bin") == "/usr/bin");       // ".." after a link: from its target
  CHECK(Resolved(root, "/usr/./lib/..//share/") == "/usr/share");
  CHECK(Resolved(root, "/missing/../usr/lib") == "/usr/lib");  // a missing part that ".." leaves again
  StatusOr<RootPath> back = ResolveInRoot(root, "/missing/x/../../usr/lib");
  REQUIRE(back.ok());
  CHECK(back->Absolute() == "/usr/lib");
  CHECK(back->existing == 2);  // /usr and /usr/lib exist again after leaving the missing parts
  CHECK(back->last_existing_is_dir);
}

TEST_CASE("ResolveInRoot never leaves the root") {
  Sandbox s;
  fs::create_directories(s.root / "a");
  fs::create_symlink("../../../../..", s.root / "a/up");           // more ".." than depth
  fs::create_symlink(s.outside, s.root / "host");                  // a host path: taken inside the root
  fs::create_symlink("/../../outside/marker", s.root / "a/climb");  // absolute with ".."
  fs::create_symlink("up/a/up", s.root / "a/twohops");              // hops through a linked parent
  RootFs root = s.Rootfs();
  CHECK(Resolved(root, "/a/up") == "/");
  CHECK(Resolved(root, "/a/up/outside/marker") == "/outside/marker");
  CHECK(Resolved(root, "/../../../x") == "/x");
  CHECK(Resolved(root, "/host/marker") == s.outside.string() + "/marker");  // the same names, in the root
  CHECK(Resolved(root, "/a/climb") == "/outside/marker");
  CHECK(Resolved(root, "/a/twohops/y") == "/y");
  StatusOr<RootPath> host = ResolveInRoot(root, "/host/marker");
  REQUIRE(host.ok());
  CHECK(host->existing == 0);  // nothing of the host's outside/ is seen from inside the root
  s.CheckContained();
}

TEST_CASE("ResolveInRoot keeps what follows a dangling link or a missing part as named") {
  Sandbox s;
  fs::create_symlink("symlink-target", s.root / "dangling");
  fs::create_symlink("/abs-target/deeper", s.root / "abs-dangling");
  Spit(s.root / "file", "x");
  fs::create_symlink("file", s.root / "to-file");
  RootFs root = s.Rootfs();
  StatusOr<RootPath> dangling = ResolveInRoot(root, "/dangling/sub/");
  REQUIRE(dangling.ok());
  CHECK(dangling->Absolute() == "/symlink-target/sub");
  CHECK(dangling->existing == 0);
  CHECK(dangling->missing_via_link);  // "symlink-target" came from the link
  CHECK(Resolved(root, "/abs-dangling/x") == "/abs-target/deeper/x");
  CHECK(Resolved(root, "/nope/dangling") == "/nope/dangling");  // below a missing part nothing is looked up
  StatusOr<RootPath> file = ResolveInRoot(root, "/to-file/sub");
  REQUIRE(file.ok());
  CHECK(file->Absolute() == "/file/sub");  // below a non-directory: kept, the caller reports it
  CHECK(file->existing == 1);
  CHECK_FALSE(file->last_existing_is_dir);
  CHECK(file->Prefix(file->existing) == "/file");
  fs::create_directories(s.root / "real");
  fs::create_symlink("real", s.root / "to-real");
  StatusOr<RootPath> plain = ResolveInRoot(root, "/to-real/new/deeper");
  REQUIRE(plain.ok());
  CHECK(plain->Absolute() == "/real/new/deeper");
  CHECK_FALSE(plain->missing_via_link);  // "new" is the path's own missing part, below an existing link
  StatusOr<RootPath> left = ResolveInRoot(root, "/dangling/../real");
  REQUIRE(left.ok());
  CHECK(left->Absolute() == "/real");
  CHECK_FALSE(left->missing_via_link);  // the missing part was left again
  CHECK(fs::is_symlink(s.root / "dangling"));
  CHECK(!fs::exists(s.root / "symlink-target"));
}

TEST_CASE("ResolveInRoot reports loops and over-long chains as too many levels of symbolic links") {
  Sandbox s;
  fs::create_symlink("loop", s.root / "loop");
  fs::create_symlink("pong", s.root / "ping");
  fs::create_symlink("/ping", s.root / "pong");
  // A chain of exactly kMaxRootPathLinks links resolves; one more is refused.
  for (int i = 0; i < kMaxRootPathLinks; ++i) {
    fs::create_symlink("l" + std::to_string(i + 1), s.root / ("l" + std::to_string(i)));
  }
  fs::create_directories(s.root / ("l" + std::to_string(kMaxRootPathLinks)));
  fs::create_symlink("l0", s.root / "longer");
  RootFs root = s.Rootfs();
  for (const char* path : {"/loop", "/loop/x", "/ping/a", "/longer"}) {
    CAPTURE(path);
    StatusOr<RootPath> resolved = ResolveInRoot(root, path);
    REQUIRE_FALSE(resolved.ok());
    CHECK(resolved.status().code() == StatusCode::kInvalidArgument);
    CHECK(resolved.status().message() == "too many levels of symbolic links");
  }
  CHECK(Resolved(root, "/l0/x") == "/l" + std::to_string(kMaxRootPathLinks) + "/x");
}

}  // namespace
}  // namespace mybuild::snapshotter

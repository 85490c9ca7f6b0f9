// Layer apply on legitimate input: odd layouts real images use, whiteouts and opaque directories,
// metadata, compression formats, and the `ADD local.tar` mode.
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "snapshotter/layer_apply.h"
#include "tests/snapshotter/sandbox.h"
#include "tests/test_support.h"

namespace mybuild::snapshotter {
namespace {

namespace fs = std::filesystem;
using testing::Sandbox;
using testing::Slurp;
using testing::TarBuilder;

std::string ReadLink(const fs::path& p) { return fs::read_symlink(p).string(); }

TEST_CASE("var/run -> /run resolves inside the root") {
  Sandbox s;
  REQUIRE(s.Apply(TarBuilder().Dir("run").Dir("var").Symlink("var/run", "/run").File("var/run/pid", "1").Build()).ok());
  CHECK(Slurp(s.root / "run/pid") == "1");
  CHECK(ReadLink(s.root / "var/run") == "/run");
  s.CheckContained();
}

TEST_CASE("lib -> usr/lib from a lower layer is written through") {
  Sandbox s;
  REQUIRE(s.Apply(TarBuilder().Dir("usr").Dir("usr/lib").Symlink("lib", "usr/lib").Build()).ok());
  REQUIRE(s.Apply(TarBuilder().File("lib/libx.so", "elf").Build()).ok());
  CHECK(Slurp(s.root / "usr/lib/libx.so") == "elf");
  CHECK(fs::is_symlink(s.root / "lib"));
}

TEST_CASE("overwriting bin/sh -> dash replaces the link, not its target") {
  Sandbox s;
  REQUIRE(s.Apply(TarBuilder().Dir("bin").File("bin/dash", "dash").Symlink("bin/sh", "dash").Build()).ok());
  REQUIRE(s.Apply(TarBuilder().File("bin/bash", "bash").Symlink("bin/sh", "bash").Build()).ok());
  CHECK(ReadLink(s.root / "bin/sh") == "bash");
  CHECK(Slurp(s.root / "bin/dash") == "dash");
  REQUIRE(s.Apply(TarBuilder().File("bin/sh", "real").Build()).ok());
  CHECK(Slurp(s.root / "bin/sh") == "real");
  CHECK(Slurp(s.root / "bin/bash") == "bash");
}

TEST_CASE("a symlink with more .. than its depth is stored verbatim") {
  Sandbox s;
  REQUIRE(s.Apply(TarBuilder().Symlink("a/b/l", "../../../../../etc/passwd").Build()).ok());
  CHECK(ReadLink(s.root / "a/b/l") == "../../../../../etc/passwd");
  s.CheckContained();
}

TEST_CASE("PAX global headers are accepted") {
  Sandbox s;
  std::string tar = testing::RawTarEntry("pax_global_header", 'g', testing::PaxRecord("comment", "hello")) +
                    testing::RawTarEntry("f", '0', "data") + testing::RawTarEnd();
  Status st = s.Apply(tar);
  REQUIRE_MESSAGE(st.ok(), st.ToString());
  CHECK(Slurp(s.root / "f") == "data");
  CHECK_FALSE(fs::exists(s.root / "pax_global_header"));
}

TEST_CASE("compressed layers: gzip, bzip2, xz, zstd") {
  for (auto c : {testing::Compression::kGzip, testing::Compression::kBzip2, testing::Compression::kXz,
                 testing::Compression::kZstd}) {
    Sandbox s;
    Status st = s.Apply(TarBuilder(c).File("f", "compressed").Build());
    CAPTURE(static_cast<int>(c));
    REQUIRE_MESSAGE(st.ok(), st.ToString());
    CHECK(Slurp(s.root / "f") == "compressed");
  }
}

TEST_CASE("metadata: modes, owners, mtimes, setuid, xattrs, fifos, devices") {
  Sandbox s;
  TarBuilder::Opts suid;
  suid.mode = 06755;
  suid.uid = 1000;
  suid.gid = 1000;
  suid.mtime = 1234567890;
  TarBuilder::Opts dir;
  dir.mode = 01777;
  dir.mtime = 1111111111;
  TarBuilder::Opts x;
  x.xattrs["user.note"] = "hi";
  ApplyOptions o;
  o.devices = DevicePolicy::kCreate;
  Status st = s.Apply(TarBuilder()
                          .Dir("tmp", dir)
                          .File("tmp/su", "x", suid)
                          .File("x", "y", x)
                          .Fifo("fifo")
                          .Device("null", true, 1, 3)
                          .File("hl", "shared")
                          .Hardlink("hl2", "hl")
                          .Build(),
                      o);
  REQUIRE_MESSAGE(st.ok(), st.ToString());
  struct stat sb {};
  REQUIRE(::lstat((s.root / "tmp/su").c_str(), &sb) == 0);
  CHECK((sb.st_mode & 07777) == 06755);
  CHECK(sb.st_uid == 1000u);
  CHECK(sb.st_mtim.tv_sec == 1234567890);
  REQUIRE(::lstat((s.root / "tmp").c_str(), &sb) == 0);
  CHECK((sb.st_mode & 07777) == 01777);
  CHECK(sb.st_mtim.tv_sec == 1111111111);  // set after its content
  char buf[16] = {};
  ssize_t n = ::lgetxattr((s.root / "x").c_str(), "user.note", buf, sizeof buf);
  if (n >= 0) CHECK(std::string(buf, static_cast<size_t>(n)) == "hi");
  REQUIRE(::lstat((s.root / "fifo").c_str(), &sb) == 0);
  CHECK(S_ISFIFO(sb.st_mode));
  REQUIRE(::lstat((s.root / "null").c_str(), &sb) == 0);
  CHECK(S_ISCHR(sb.st_mode));
  CHECK(sb.st_rdev == makedev(1, 3));
  REQUIRE(::lstat((s.root / "hl2").c_str(), &sb) == 0);
  CHECK(sb.st_nlink == 2u);
}

TEST_CASE("devices are skipped by default") {
  Sandbox s;
  REQUIRE(s.Apply(TarBuilder().Device("null", true, 1, 3).Build()).ok());
  CHECK_FALSE(fs::exists(fs::symlink_status(s.root / "null")));
}

TEST_CASE("security.capability follows the policy") {
  Sandbox s;
  // A valid VFS_CAP_REVISION_2 blob granting cap_net_bind_service (bit 10) permitted+effective.
  std::string cap("\x01\x00\x00\x02\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", 20);
  TarBuilder::Opts o;
  o.mode = 0755;
  o.xattrs["security.capability"] = cap;
  ApplyOptions deny;
  deny.allow_security_capability = false;
  REQUIRE(s.Apply(TarBuilder().File("ping", "x", o).Build(), deny).ok());
  CHECK(::lgetxattr((s.root / "ping").c_str(), "security.capability", nullptr, 0) < 0);
  Status st = s.Apply(TarBuilder().File("ping2", "x", o).Build());
  INFO(st.ToString());
  CHECK(st.ok());
}

TEST_CASE("whiteouts remove lower files; opaque dirs drop lower children") {
  Sandbox s;
  REQUIRE(s.Apply(TarBuilder()
                      .File("a/x", "1")
                      .File("a/y", "2")
                      .File("d/old", "3")
                      .File("d/sub/deep", "4")
                      .Symlink("l", "/etc")
                      .Build())
              .ok());
  REQUIRE(s.Apply(TarBuilder()
                      .File("a/.wh.x", "")
                      .File("d/.wh..wh..opq", "")
                      .File("d/new", "5")
                      .File(".wh.l", "")
                      .File("a/.wh.missing", "")
                      .File("gone/.wh.x", "")
                      .Build())
              .ok());
  CHECK_FALSE(fs::exists(s.root / "a/x"));
  CHECK(fs::exists(s.root / "a/y"));
  CHECK_FALSE(fs::exists(s.root / "d/old"));
  CHECK_FALSE(fs::exists(s.root / "d/sub"));
  CHECK(Slurp(s.root / "d/new") == "5");
  CHECK_FALSE(fs::exists(fs::symlink_status(s.root / "l")));
  CHECK_FALSE(fs::exists(s.root / "a/.wh.x"));
  CHECK_FALSE(fs::exists(s.root / "gone"));
}

TEST_CASE("an opaque marker after its siblings spares what the same layer created") {
  Sandbox s;
  REQUIRE(s.Apply(TarBuilder().File("d/old", "1").File("d/keep/lower", "2").Build()).ok());
  REQUIRE(s.Apply(TarBuilder()
                      .Dir("d")
                      .File("d/new", "3")
                      .Dir("d/keep")
                      .File("d/keep/upper", "4")
                      .File("d/.wh..wh..opq", "")
                      .Build())
              .ok());
  CHECK(Slurp(s.root / "d/new") == "3");
  CHECK_FALSE(fs::exists(s.root / "d/old"));
  CHECK(Slurp(s.root / "d/keep/upper") == "4");
  CHECK_FALSE(fs::exists(s.root / "d/keep/lower"));
}

TEST_CASE("a whiteout does not remove what its own layer created") {
  Sandbox s;
  REQUIRE(s.Apply(TarBuilder().File("f", "same layer").File(".wh.f", "").Build()).ok());
  CHECK(Slurp(s.root / "f") == "same layer");
}

TEST_CASE("a directory entry replaces a file, a file replaces a directory tree") {
  Sandbox s;
  REQUIRE(s.Apply(TarBuilder().File("a", "file").File("b/c/d", "deep").Build()).ok());
  REQUIRE(s.Apply(TarBuilder().Dir("a").File("b", "now a file").Build()).ok());
  CHECK(fs::is_directory(s.root / "a"));
  CHECK(Slurp(s.root / "b") == "now a file");
}

TEST_CASE("many small files land whole, and same-layer orderings mean what they mean entry by entry") {
  Sandbox s;
  TarBuilder tar;
  for (int d = 0; d < 8; ++d) {
    tar.Dir("many/d" + std::to_string(d));
    for (int f = 0; f < 60; ++f) {
      tar.File("many/d" + std::to_string(d) + "/f" + std::to_string(f), std::string(100 + f, 'a' + d),
               {.mode = 0640, .uid = 1000 + f, .gid = 50, .mtime = 1700000000 + f});
    }
  }
  tar.File("twice", "first").File("twice", "second");       // the later entry wins
  tar.File("x", "a file").Dir("x").File("x/inside", "in");  // a file, then a directory at its path
  tar.File("gone", "created").File(".wh.gone", "");          // a whiteout spares its own layer's file
  tar.File("hl-target", "shared").Hardlink("hl", "hl-target");
  tar.File("big", std::string(3 << 20, 'b'));
  REQUIRE(s.Apply(tar.Build()).ok());
  for (int d = 0; d < 8; ++d) {
    for (int f = 0; f < 60; f += 7) {
      const fs::path p = s.root / ("many/d" + std::to_string(d) + "/f" + std::to_string(f));
      CHECK(Slurp(p) == std::string(100 + f, 'a' + d));
      struct stat st {};
      REQUIRE(::lstat(p.c_str(), &st) == 0);
      CHECK((st.st_mode & 07777) == 0640);
      CHECK(st.st_uid == static_cast<uid_t>(1000 + f));
      CHECK(st.st_mtim.tv_sec == 1700000000 + f);
    }
  }
  CHECK(Slurp(s.root / "twice") == "second");
  CHECK(fs::is_directory(s.root / "x"));
  CHECK(Slurp(s.root / "x/inside") == "in");
  CHECK(Slurp(s.root / "gone") == "created");
  CHECK(Slurp(s.root / "hl") == "shared");
  CHECK(fs::file_size(s.root / "big") == (3u << 20));
}

TEST_CASE("ADD local.tar: no whiteouts, confined to the destination") {
  Sandbox s;
  std::string tar = TarBuilder()
                        .File(".wh.keep", "literal")
                        .Symlink("up", "../../..")
                        .File("up/escaped", "x")
                        .Symlink("abs", "/")
                        .File("abs/f", "y")
                        .Build();
  fs::path p = s.root.parent_path() / "add.tar";
  testing::Spit(p, tar);
  UniqueFd fd(::open(p.c_str(), O_RDONLY | O_CLOEXEC));
  ApplyOptions o;
  o.chown = Ownership{42, 43};
  auto r = ExtractArchive(s.Rootfs(), "/srv/app", fd.get(), o);
  fs::remove(p);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  CHECK(Slurp(s.root / "srv/app/.wh.keep") == "literal");
  CHECK(Slurp(s.root / "srv/app/escaped") == "x");
  CHECK(Slurp(s.root / "srv/app/f") == "y");
  CHECK_FALSE(fs::exists(s.root / "escaped"));
  struct stat sb {};
  REQUIRE(::lstat((s.root / "srv/app/f").c_str(), &sb) == 0);
  CHECK(sb.st_uid == 42u);
  CHECK(sb.st_gid == 43u);
  s.CheckContained();
}

TEST_CASE("garbage input is an error, not a crash") {
  Sandbox s;
  CHECK_FALSE(s.Apply(std::string(3000, 'z')).ok());
  std::string tar = TarBuilder().File("f", std::string(10000, 'a')).Build();
  CHECK_FALSE(s.Apply(tar.substr(0, 2000)).ok());
}

}  // namespace
}  // namespace mybuild::snapshotter

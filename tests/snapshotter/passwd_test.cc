#include "snapshotter/passwd.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "tests/snapshotter/sandbox.h"
#include "tests/test_support.h"

namespace mybuild::snapshotter {
namespace {

namespace fs = std::filesystem;
using testing::Sandbox;
using testing::Spit;

constexpr const char* kPasswd =
    "root:x:0:0:root:/root:/bin/sh\n"
    "# comment\n"
    "app:x:1000:1001:App:/home/app:/bin/sh\n"
    "broken:x:notanumber:1\n"
    "big:x:4294967296:1:too big:/:/bin/sh\n"
    "nobody:x:65534:65534::/nonexistent:/usr/sbin/nologin\r\n";
constexpr const char* kGroup =
    "root:x:0:\n"
    "app:x:1001:\n"
    "wheel:x:10:root,app\n"
    "docker:x:999:app\n"
    "staff:x:50:other\n";

TEST_CASE("ParseId accepts exactly [0, 2^32-1]") {
  CHECK(ParseId("0") == 0u);
  CHECK(ParseId("4294967295") == 4294967295u);
  CHECK_FALSE(ParseId("4294967296"));
  CHECK_FALSE(ParseId("-1"));
  CHECK_FALSE(ParseId(""));
  CHECK_FALSE(ParseId(" 1"));
  CHECK_FALSE(ParseId("1e3"));
  CHECK_FALSE(ParseId("99999999999999999999"));
}

TEST_CASE("passwd and group parsing skips malformed lines") {
  auto users = ParsePasswd(kPasswd);
  REQUIRE(users.size() == 3);
  CHECK(users[1].name == "app");
  CHECK(users[1].gid == 1001u);
  CHECK(users[2].shell == "/usr/sbin/nologin");
  auto groups = ParseGroup(kGroup);
  REQUIRE(groups.size() == 5);
  CHECK(groups[2].members == std::vector<std::string>{"root", "app"});
}

TEST_CASE("ResolveUser: names, numbers and groups") {
  std::optional<std::string> p = std::string(kPasswd), g = std::string(kGroup);
  auto app = ResolveUserFromContents("app", p, g);
  REQUIRE(app.ok());
  CHECK(app->uid == 1000u);
  CHECK(app->gid == 1001u);
  CHECK(app->additional_gids == std::vector<uint32_t>{1001, 10, 999});
  CHECK(app->home == "/home/app");

  auto explicit_group = ResolveUserFromContents("app:staff", p, g);
  REQUIRE(explicit_group.ok());
  CHECK(explicit_group->gid == 50u);
  CHECK(explicit_group->additional_gids == std::vector<uint32_t>{50});

  auto numeric = ResolveUserFromContents("1000", p, g);
  REQUIRE(numeric.ok());
  CHECK(numeric->gid == 1001u);
  CHECK(numeric->name == "app");

  auto unknown_numeric = ResolveUserFromContents("4242:77", std::nullopt, std::nullopt);
  REQUIRE(unknown_numeric.ok());
  CHECK(unknown_numeric->uid == 4242u);
  CHECK(unknown_numeric->gid == 77u);

  auto max = ResolveUserFromContents("4294967295", std::nullopt, std::nullopt);
  REQUIRE(max.ok());
  CHECK(max->uid == 4294967295u);
  CHECK(max->gid == 0u);

  auto too_big = ResolveUserFromContents("4294967296", p, g);
  REQUIRE_FALSE(too_big.ok());
  CHECK(too_big.status().message().find("4294967296") != std::string::npos);
  CHECK_FALSE(ResolveUserFromContents("-1", p, g).ok());
  CHECK_FALSE(ResolveUserFromContents("app:4294967296", p, g).ok());
  CHECK_FALSE(ResolveUserFromContents("", p, g).ok());
  CHECK_FALSE(ResolveUserFromContents("app:", p, g).ok());

  auto missing = ResolveUserFromContents("ghost", p, g);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().message().find("ghost") != std::string::npos);
  auto missing_group = ResolveUserFromContents("app:ghosts", p, g);
  REQUIRE_FALSE(missing_group.ok());
  CHECK(missing_group.status().message().find("ghosts") != std::string::npos);
}

TEST_CASE("ResolveUser reads the files inside the root") {
  Sandbox s;
  fs::create_directories(s.root / "etc");
  Spit(s.root / "etc/passwd", kPasswd);
  Spit(s.root / "etc/group", kGroup);
  auto r = ResolveUser(s.Rootfs(), "app");
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  CHECK(r->uid == 1000u);
  auto numeric = ResolveUser(s.Rootfs(), "0:0");
  REQUIRE(numeric.ok());
}

TEST_CASE("ResolveUser works without /etc for numeric ids") {
  Sandbox s;
  auto r = ResolveUser(s.Rootfs(), "123:456");
  REQUIRE(r.ok());
  CHECK(r->uid == 123u);
  CHECK(r->gid == 456u);
  CHECK_FALSE(ResolveUser(s.Rootfs(), "app").ok());
}

TEST_CASE("a symlinked /etc/passwd is refused, never read on the host") {
  Sandbox s;
  Spit(s.outside / "passwd", "evil:x:0:0::/:/bin/sh\n");
  fs::create_directories(s.root / "etc");
  fs::create_symlink(s.outside / "passwd", s.root / "etc/passwd");
  auto r = ResolveUser(s.Rootfs(), "evil");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("passwd") != std::string::npos);
  // Numeric ids still work.
  CHECK(ResolveUser(s.Rootfs(), "7").ok());
}

TEST_CASE("a symlinked /etc directory is refused too") {
  Sandbox s;
  fs::create_directories(s.outside / "etc");
  Spit(s.outside / "etc/passwd", "evil:x:0:0::/:/bin/sh\n");
  fs::create_directory_symlink(s.outside / "etc", s.root / "etc");
  CHECK_FALSE(ResolveUser(s.Rootfs(), "evil").ok());
  RootFs::ForceFallbackForTesting(true);
  CHECK_FALSE(ResolveUser(s.Rootfs(), "evil").ok());
  RootFs::ForceFallbackForTesting(false);
}

TEST_CASE("a FIFO or oversized /etc/passwd is refused without blocking") {
  Sandbox s;
  fs::create_directories(s.root / "etc");
  REQUIRE(::mkfifo((s.root / "etc/passwd").c_str(), 0644) == 0);
  CHECK_FALSE(ResolveUser(s.Rootfs(), "app").ok());
  fs::remove(s.root / "etc/passwd");
  Spit(s.root / "etc/passwd", std::string(kMaxAccountFileBytes + 1, '#'));
  auto r = ResolveUser(s.Rootfs(), "app");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace mybuild::snapshotter

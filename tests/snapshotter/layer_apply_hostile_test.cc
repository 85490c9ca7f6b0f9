// The hostile input families of SECURITY.md against layer apply, each under openat2 and under the
// portable fallback walk. Oracle: nothing outside the root changes, no file inside gets the marker, and
// refused input gives an error that names the entry.
#include <fcntl.h>
#include <sys/stat.h>

#include <functional>
#include <string>
#include <vector>

#include "snapshotter/layer_apply.h"
#include "tests/snapshotter/sandbox.h"
#include "tests/test_support.h"

namespace mybuild::snapshotter {
namespace {

using testing::Sandbox;
using testing::TarBuilder;

enum class Expect { kError, kEither, kOk };

struct HostileCase {
  std::string name;
  std::function<std::string(const Sandbox&)> tar;
  Expect expect;
  std::string error_names;  // substring the error must contain (the entry name)
  ApplyOptions options = {};
};

std::vector<HostileCase> Cases() {
  std::vector<HostileCase> c;
  auto one_file = [](std::string path) {
    return [path](const Sandbox&) { return TarBuilder().File(path, "PWNED").Build(); };
  };
  // Entry names.
  c.push_back({"dotdot", one_file("../x"), Expect::kError, "\"../x\""});
  c.push_back({"slash dotdot", one_file("/../x"), Expect::kError, "\"/../x\""});
  c.push_back({"bare dotdot dir", [](const Sandbox&) { return TarBuilder().Dir("..").Build(); }, Expect::kError, "\"..\""});
  c.push_back({"inner dotdot", one_file("a/../../x"), Expect::kError, "\"a/../../x\""});
  c.push_back({"absolute to outside", [](const Sandbox& s) { return TarBuilder().File((s.outside / "marker").string(), "PWNED").Build(); },
               Expect::kOk, ""});
  c.push_back({"newline in name", one_file("a\nb"), Expect::kError, "a\nb"});
  c.push_back({"long component", one_file(std::string(300, 'n')), Expect::kError, "nnnn"});
  c.push_back({"long path", [](const Sandbox&) {
                 std::string p;
                 for (int i = 0; i < 50; ++i) p += std::string(100, 'p') + "/";
                 return TarBuilder().File(p + "f", "x").Build();
               },
               Expect::kError, "pppp"});
  c.push_back({"deep path", [](const Sandbox&) {
                 std::string p;
                 for (int i = 0; i < 300; ++i) p += "d/";
                 return TarBuilder().File(p + "f", "x").Build();
               },
               Expect::kError, "d/d/d"});
  // Symlink chains out of the root.
  c.push_back({"symlink one hop relative", [](const Sandbox&) {
                 return TarBuilder().Symlink("l", "../outside").File("l/marker", "PWNED").Build();
               }, Expect::kEither, ""});
  c.push_back({"symlink one hop absolute", [](const Sandbox& s) {
                 return TarBuilder().Symlink("l", s.outside.string()).File("l/marker", "PWNED").Build();
               }, Expect::kEither, ""});
  c.push_back({"symlink two hops", [](const Sandbox& s) {
                 return TarBuilder().Symlink("a", "b").Symlink("b", "../../../../..").File("a" + s.outside.string() + "/marker", "PWNED").Build();
               }, Expect::kOk, ""});
  c.push_back({"through parent link", [](const Sandbox& s) {
                 return TarBuilder().Symlink("d", "/").File("d" + s.outside.string() + "/new", "PWNED").Build();
               }, Expect::kOk, ""});
  // Hardlinks.
  c.push_back({"hardlink relative outside", [](const Sandbox&) {
                 return TarBuilder().Hardlink("h", "../outside/marker").Build();
               }, Expect::kError, "\"h\""});
  c.push_back({"hardlink absolute outside", [](const Sandbox& s) {
                 return TarBuilder().Hardlink("h", (s.outside / "marker").string()).Build();
               }, Expect::kError, "\"h\""});
  c.push_back({"hardlink via symlinked dir", [](const Sandbox& s) {
                 return TarBuilder().Symlink("o", s.outside.string()).Hardlink("h", "o/marker").Build();
               }, Expect::kError, "\"h\""});
  c.push_back({"hardlink to symlink", [](const Sandbox& s) {
                 return TarBuilder().Symlink("s", (s.outside / "marker").string()).Hardlink("h", "s").Build();
               }, Expect::kOk, ""});
  c.push_back({"hardlink to later target", [](const Sandbox&) {
                 return TarBuilder().Hardlink("h", "later").File("later", "x").Build();
               }, Expect::kError, "\"h\""});
  c.push_back({"hardlink to skipped device", [](const Sandbox&) {
                 return TarBuilder().Device("dev", true, 1, 3).Hardlink("h", "dev").Build();
               }, Expect::kError, "\"h\""});
  c.push_back({"hardlink to directory", [](const Sandbox&) {
                 return TarBuilder().Dir("d").Hardlink("h", "d").Build();
               }, Expect::kError, "\"h\""});
  c.push_back({"hardlink to itself", [](const Sandbox&) {
                 return TarBuilder().Hardlink("h", "h").Build();
               }, Expect::kError, "\"h\""});
  // Replace a directory by a symlink, then write through it (CVE-2025-47290 shape).
  c.push_back({"dir replaced by symlink", [](const Sandbox& s) {
                 return TarBuilder().Dir("d").File("d/f", "x").Symlink("d", s.outside.string()).File("d/marker", "PWNED").Build();
               }, Expect::kEither, ""});
  c.push_back({"dir replaced by relative symlink", [](const Sandbox&) {
                 return TarBuilder().Dir("d").Symlink("d", "../../../outside").File("d/marker", "PWNED").Build();
               }, Expect::kEither, ""});
  // chmod/chown through links.
  c.push_back({"file over symlink", [](const Sandbox& s) {
                 TarBuilder::Opts o;
                 o.mode = 04777;
                 o.uid = 1234;
                 return TarBuilder().Symlink("s", (s.outside / "marker").string()).File("s", "new", o).Build();
               }, Expect::kOk, ""});
  c.push_back({"dir over symlink", [](const Sandbox& s) {
                 TarBuilder::Opts o;
                 o.mode = 0777;
                 o.uid = 1234;
                 return TarBuilder().Symlink("s", s.outside.string()).Dir("s", o).Build();
               }, Expect::kOk, ""});
  // Whiteouts.
  c.push_back({"whiteout empty", one_file(".wh."), Expect::kError, "\".wh.\""});
  c.push_back({"whiteout dot", one_file("a/.wh.."), Expect::kError, "\"a/.wh..\""});
  c.push_back({"whiteout dotdot", one_file("a/.wh..."), Expect::kError, "\"a/.wh...\""});
  c.push_back({"whiteout through symlink", [](const Sandbox& s) {
                 return TarBuilder().Symlink("o", s.outside.string()).File("o/.wh.marker", "").Build();
               }, Expect::kOk, ""});
  c.push_back({"whiteout of a link", [](const Sandbox& s) {
                 return TarBuilder().Symlink("o", s.outside.string()).Build();
               }, Expect::kOk, ""});
  c.push_back({"opaque through symlink", [](const Sandbox& s) {
                 return TarBuilder().Symlink("o", s.outside.string()).File("o/.wh..wh..opq", "").Build();
               }, Expect::kOk, ""});
  // Devices and ids.
  {
    ApplyOptions refuse;
    refuse.devices = DevicePolicy::kRefuse;
    c.push_back({"device refused", [](const Sandbox&) { return TarBuilder().Device("null", true, 1, 3).Build(); },
                 Expect::kError, "\"null\"", refuse});
    ApplyOptions create;
    create.devices = DevicePolicy::kCreate;
    c.push_back({"device number too wide", [](const Sandbox&) { return TarBuilder().Device("big", true, 1ull << 33, 1).Build(); },
                 Expect::kError, "\"big\"", create});
  }
  c.push_back({"uid out of range", [](const Sandbox&) {
                 TarBuilder::Opts o;
                 o.uid = 4294967296LL;
                 return TarBuilder().File("f", "x", o).Build();
               }, Expect::kError, "\"f\""});
  c.push_back({"gid out of range", [](const Sandbox&) {
                 TarBuilder::Opts o;
                 o.gid = 1LL << 40;
                 return TarBuilder().File("g", "x", o).Build();
               }, Expect::kError, "\"g\""});
  // Xattrs.
  c.push_back({"trusted.overlay xattr", [](const Sandbox&) {
                 TarBuilder::Opts o;
                 o.mode = 0755;
                 o.xattrs["trusted.overlay.opaque"] = "y";
                 return TarBuilder().Dir("d", o).Build();
               }, Expect::kError, "\"d/\""});
  // What a rootless overlay (userxattr) obeys: refused as well (overlay_options.h).
  c.push_back({"user.overlay xattr", [](const Sandbox&) {
                 TarBuilder::Opts o;
                 o.mode = 0755;
                 o.xattrs["user.overlay.redirect"] = "/etc";
                 return TarBuilder().Dir("d", o).Build();
               }, Expect::kError, "\"d/\""});
  c.push_back({"oversized xattr", [](const Sandbox&) {
                 TarBuilder::Opts o;
                 o.xattrs["user.big"] = std::string(200 << 10, 'x');
                 return TarBuilder().File("f", "x", o).Build();
               }, Expect::kError, "\"f\""});
  // Bombs.
  {
    ApplyOptions small;
    small.max_total_bytes = 8 << 20;
    c.push_back({"compression bomb", [](const Sandbox&) { return TarBuilder(testing::Compression::kGzip).Zeros("zeros", 64 << 20).Build(); },
                 Expect::kError, "zeros", small});
    c.push_back({"huge pax header", [](const Sandbox&) {
                   std::string pax = testing::PaxRecord("comment", std::string(16 << 20, 'c'));
                   return testing::RawTarEntry("PaxHeaders/f", 'x', pax) + testing::RawTarEntry("f", '0', "x") + testing::RawTarEnd();
                 },
                 Expect::kError, "", small});
    ApplyOptions few;
    few.max_entries = 100;
    c.push_back({"too many entries", [](const Sandbox&) {
                   TarBuilder t;
                   for (int i = 0; i < 150; ++i) t.File("f" + std::to_string(i), "");
                   return t.Build();
                 },
                 Expect::kError, "100", few});
  }
  return c;
}

// add_mode: the same archive through `ADD x.tar /dest` (no whiteout processing, confined to /dest).
void RunCase(const HostileCase& hc, bool add_mode) {
  Sandbox sandbox;
  std::string tar;
  try {
    tar = hc.tar(sandbox);
  } catch (const std::exception& e) {
    FAIL("could not build tar: " << e.what());
  }
  Status s;
  if (add_mode) {
    std::filesystem::path p = sandbox.root.parent_path() / "add.tar";
    testing::Spit(p, tar);
    UniqueFd fd(::open(p.c_str(), O_RDONLY | O_CLOEXEC));
    s = ExtractArchive(sandbox.Rootfs(), "/dest", fd.get(), hc.options).status();
    std::filesystem::remove(p);
  } else {
    s = sandbox.Apply(tar, hc.options);
  }
  INFO("status: " << s.ToString());
  Expect expect = hc.expect;
  // Whiteout names are ordinary files in ADD.
  if (add_mode && (hc.name.rfind("whiteout", 0) == 0 || hc.name.rfind("opaque", 0) == 0)) expect = Expect::kEither;
  if (expect == Expect::kError) {
    CHECK_FALSE(s.ok());
    if (!hc.error_names.empty()) CHECK(s.message().find(hc.error_names) != std::string::npos);
  } else if (expect == Expect::kOk) {
    CHECK(s.ok());
  }
  sandbox.CheckContained();
}

void RunAll(bool fallback) {
  RootFs::ForceFallbackForTesting(fallback);
  for (bool add_mode : {false, true}) {
    for (const auto& hc : Cases()) {
      CAPTURE(hc.name);
      CAPTURE(add_mode);
      RunCase(hc, add_mode);
    }
  }
  RootFs::ForceFallbackForTesting(false);
}

TEST_CASE("layer apply refuses or confines every hostile family (openat2)") {
  if (!RootFs::HaveOpenat2()) MYBUILD_SKIP("kernel has no openat2");
  RunAll(false);
}

TEST_CASE("layer apply refuses or confines every hostile family (fallback walk)") { RunAll(true); }

TEST_CASE("absolute entry names land inside the root") {
  Sandbox s;
  REQUIRE(s.Apply(TarBuilder().File((s.outside / "marker").string(), "PWNED").Build()).ok());
  CHECK(testing::Slurp(s.root / s.outside.relative_path() / "marker") == "PWNED");
  s.CheckContained();
}

TEST_CASE("a file over a symlink replaces the link and keeps setuid") {
  Sandbox s;
  TarBuilder::Opts o;
  o.mode = 04755;
  o.uid = 1234;
  o.gid = 99;
  REQUIRE(s.Apply(TarBuilder().Symlink("s", (s.outside / "marker").string()).File("s", "new", o).Build()).ok());
  struct stat st {};
  REQUIRE(::lstat((s.root / "s").c_str(), &st) == 0);
  CHECK(S_ISREG(st.st_mode));
  CHECK((st.st_mode & 07777) == 04755);
  CHECK(st.st_uid == 1234u);
  CHECK(st.st_gid == 99u);
  s.CheckContained();
}

TEST_CASE("errors name the entry and the archive position") {
  Sandbox s;
  Status st = s.Apply(TarBuilder().File("ok", "1").File("../../etc/evil", "x").Build());
  REQUIRE_FALSE(st.ok());
  CHECK(st.message().find("layer entry \"../../etc/evil\"") != std::string::npos);
  CHECK(st.message().find("..") != std::string::npos);
}

TEST_CASE("NUL bytes in a raw header name do not escape") {
  Sandbox s;
  std::string name("ok", 2);
  name += std::string("\0../escaped", 11);  // ".." from the root lands in the sandbox's own directory
  Status st = s.Apply(testing::RawTarEntry(name, '0', "PWNED") + testing::RawTarEnd());
  INFO(st.ToString());
  s.CheckContained();
  CHECK_FALSE(std::filesystem::exists(s.root.parent_path() / "escaped"));
}

}  // namespace
}  // namespace mybuild::snapshotter

// SECURITY.md's device, setuid and hardlink families against context and stage copies: special files are
// recreated as what they are, never opened (reading a FIFO blocks, /dev/zero never ends), and a
// hardlink whose other name is outside the copied tree copies the content, not a link out.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "src/fileops/copier.h"
#include "tests/fileops/fixture.h"
#include "tests/test_support.h"

namespace mybuild::fileops {
namespace {

using namespace mybuild::fileops::testing;

// dir/zero (char 1:5), dir/fifo, dir/suid (04755, owned 0:0), dir/link (a hardlink to ../outside).
void SpecialTree(const fs::path& root) {
  fs::create_directories(root / "dir");
  REQUIRE(::mknod((root / "dir/zero").c_str(), S_IFCHR | 0666, makedev(1, 5)) == 0);
  REQUIRE(::mkfifo((root / "dir/fifo").c_str(), 0640) == 0);
  REQUIRE(::chmod((root / "dir/zero").c_str(), 0666) == 0);  // whatever the umask
  REQUIRE(::chmod((root / "dir/fifo").c_str(), 0640) == 0);
  WriteText(root / "dir/suid", "#!/bin/sh\n", 04755);
  WriteText(root / "outside", "OUTSIDE");
  REQUIRE(::link((root / "outside").c_str(), (root / "dir/link").c_str()) == 0);
}

void CheckSpecialCopy(const fs::path& got, uint32_t uid) {
  auto zero = LstatPath(got / "zero");
  REQUIRE(zero);
  CHECK(S_ISCHR(zero->st_mode));
  CHECK(zero->st_rdev == makedev(1, 5));
  CHECK((zero->st_mode & 07777) == 0666);
  auto fifo = LstatPath(got / "fifo");
  REQUIRE(fifo);
  CHECK(S_ISFIFO(fifo->st_mode));
  CHECK((fifo->st_mode & 07777) == 0640);
  CHECK(ModeOf(got / "suid") == 04755);  // chown before chmod keeps the setuid bit, as BuildKit
  CHECK(LstatPath(got / "suid")->st_uid == uid);
  CHECK(ReadText(got / "link") == "OUTSIDE");
  CHECK(LstatPath(got / "link")->st_nlink == 1);  // its other name was not copied
}

TEST_CASE("special files: devices, FIFOs, setuid files and outside hardlinks copied from a context or a stage") {
  if (::geteuid() != 0) MYBUILD_SKIP("mknod of a character device needs root");
  for (SourceRootKind kind : {SourceRootKind::kContext, SourceRootKind::kStage}) {
    for (bool chown : {false, true}) {
      CAPTURE(static_cast<int>(kind));
      CAPTURE(chown);
      CopyFixture f;
      const fs::path source = kind == SourceRootKind::kContext ? f.context : f.tmp.path() / "stage";
      SpecialTree(source);
      CopySpec spec = Copy({"/dir/"}, "/got/");
      spec.root_kind = kind;
      if (chown) spec.owner = Owner{1000, 1000};
      REQUIRE_OK(f.Run(spec, nullptr, nullptr, source));
      CheckSpecialCopy(f.rootfs / "got", chown ? 1000 : 0);
      CHECK_FALSE(fs::exists(f.rootfs / "outside"));
    }
  }
}

}  // namespace
}  // namespace mybuild::fileops

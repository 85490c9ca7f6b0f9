// Clean-up after killed builds: reading mount points from mountinfo, and removing only dead builds'
// scratch directories.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "src/base/temp_dir.h"
#include "src/cli/stale_scratch.h"

namespace mybuild::cli {
namespace {

TEST_CASE("stale scratch: mount points come from the fifth field, escapes decoded") {
  const std::string mountinfo =
      "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
      "35 22 0:31 / /var/lib/my\\040root/tmp/build-1/mnt rw - overlay overlay rw,lowerdir=/a\n";
  CHECK(MountPoints(mountinfo) == std::vector<std::string>{"/", "/var/lib/my root/tmp/build-1/mnt"});
  CHECK(MountPoints("").empty());
}

TEST_CASE("stale scratch: only directories of dead processes are removed") {
  StatusOr<TempDir> tmp = TempDir::Create(std::filesystem::temp_directory_path(), "stale-");
  REQUIRE(tmp.ok());
  const std::filesystem::path dir = tmp->path();
  // A pid that does not exist: above the kernel's limit.
  std::filesystem::create_directories(dir / "build-2147483646" / "work");
  std::filesystem::create_directories(dir / ("build-" + std::to_string(::getpid())));  // this process: alive
  std::filesystem::create_directories(dir / "build-x");                                 // not ours
  std::filesystem::create_directories(dir / "other");
  CHECK(RemoveStaleScratch(dir) == 1);
  CHECK_FALSE(std::filesystem::exists(dir / "build-2147483646"));
  CHECK(std::filesystem::exists(dir / ("build-" + std::to_string(::getpid()))));
  CHECK(std::filesystem::exists(dir / "build-x"));
  CHECK(std::filesystem::exists(dir / "other"));
  CHECK(RemoveStaleScratch(dir / "missing") == 0);
}

}  // namespace
}  // namespace mybuild::cli

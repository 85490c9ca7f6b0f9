// Resource flags (--ulimit, --shm-size, --cgroup-parent, --pids-limit, --memory) as docker parses them, and
// the step cgroup's files, written below a plain directory standing for the cgroup v2 root.
#include "src/executor/resources.h"

#include <doctest/doctest.h>
#include <sys/resource.h>

#include <fstream>
#include <sstream>
#include <string>

#include "src/base/byte_size.h"
#include "src/base/temp_dir.h"
#include "src/executor/step_cgroup.h"

namespace mybuild::executor {
namespace {

std::string ErrorOf(const ResourceFlags& flags) {
  StatusOr<Resources> parsed = ParseResourceFlags(flags);
  REQUIRE_FALSE(parsed.ok());
  return parsed.status().message();
}

std::string Slurp(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST_CASE("resources: --ulimit as docker: NAME=SOFT[:HARD], -1 unlimited, the last of a name wins") {
  StatusOr<Resources> parsed =
      ParseResourceFlags({.ulimits = {"nofile=1024:2048", "nproc=512", "core=-1", "nofile=100:200"}});
  REQUIRE(parsed.ok());
  REQUIRE(parsed->ulimits.size() == 3);
  CHECK(parsed->ulimits[0] == Ulimit{"nofile", RLIMIT_NOFILE, 100, 200});
  CHECK(parsed->ulimits[1] == Ulimit{"nproc", RLIMIT_NPROC, 512, 512});
  CHECK(parsed->ulimits[2] == Ulimit{"core", RLIMIT_CORE, kUnlimited, kUnlimited});
  CHECK(parsed->shm_size_bytes == 64ull << 20);  // BuildKit's and docker's default
  CHECK_FALSE(parsed->NeedsCgroup());

  CHECK(ErrorOf({.ulimits = {"nofile"}}).starts_with("invalid argument \"nofile\" for \"--ulimit\" flag: expected NAME=SOFT[:HARD]"));
  CHECK(ErrorOf({.ulimits = {"files=10"}}).find("unknown ulimit \"files\"") != std::string::npos);
  CHECK(ErrorOf({.ulimits = {"nofile=10:5"}}).find("the soft limit 10 is above the hard limit 5") != std::string::npos);
  CHECK(ErrorOf({.ulimits = {"nofile=1x"}}).find("SOFT, HARD integers (-1 for unlimited)") != std::string::npos);
  CHECK(ErrorOf({.ulimits = {"nofile=-2"}}).find("for \"--ulimit\" flag") != std::string::npos);
}

TEST_CASE("resources: --shm-size, --pids-limit, --memory, --cgroup-parent values") {
  StatusOr<Resources> parsed = ParseResourceFlags(
      {.shm_size = "128m", .cgroup_parent = "/ci//builds/", .pids_limit = "100", .memory = "1g"});
  REQUIRE(parsed.ok());
  CHECK(parsed->shm_size_bytes == 128ull << 20);
  CHECK(parsed->cgroup_parent == "ci/builds");
  CHECK(parsed->pids_limit == 100);
  CHECK(parsed->memory_bytes == 1ll << 30);
  CHECK(parsed->NeedsCgroup());
  StatusOr<Resources> unlimited = ParseResourceFlags({.pids_limit = "-1"});
  REQUIRE(unlimited.ok());
  CHECK_FALSE(unlimited->NeedsCgroup());

  CHECK(ErrorOf({.shm_size = "12q"}) ==
        "invalid argument \"12q\" for \"--shm-size\" flag: expected a size above 0 such as 64m, 1g or 67108864 (bytes)");
  CHECK(ErrorOf({.shm_size = "0"}).find("above 0") != std::string::npos);
  CHECK(ErrorOf({.pids_limit = "many"}).find("\"--pids-limit\" flag: expected a number of processes") != std::string::npos);
  CHECK(ErrorOf({.memory = "1k"}).find("the minimum memory limit is 6m") != std::string::npos);
  CHECK(ErrorOf({.cgroup_parent = "a/../b"}).find("without \"..\"") != std::string::npos);
  CHECK(ErrorOf({.cgroup_parent = "system.slice:docker:x"}).find("systemd form") != std::string::npos);
}

TEST_CASE("resources: sizes as docker's RAMInBytes") {
  CHECK(ParseRamBytes("100") == 100u);
  CHECK(ParseRamBytes("64m") == 64ull << 20);
  CHECK(ParseRamBytes("64MiB") == 64ull << 20);
  CHECK(ParseRamBytes("64 MB") == 64ull << 20);
  CHECK(ParseRamBytes("1.5g") == 3ull << 29);
  CHECK_FALSE(ParseRamBytes("").has_value());
  CHECK_FALSE(ParseRamBytes("m").has_value());
  CHECK_FALSE(ParseRamBytes("1.2.3m").has_value());
  CHECK_FALSE(ParseRamBytes("12q").has_value());
  CHECK_FALSE(ParseRamBytes("-5").has_value());
}

TEST_CASE("step cgroup: the controllers enabled down from the root, limits written in the step's cgroup") {
  TempDir root = *TempDir::Create();
  std::ofstream(root.path() / "cgroup.controllers") << "cpu memory pids\n";
  std::filesystem::create_directories(root.path() / "ci");
  std::ofstream(root.path() / "ci" / "cgroup.controllers") << "memory pids\n";
  StatusOr<Resources> resources = ParseResourceFlags({.cgroup_parent = "ci", .pids_limit = "100", .memory = "64m"});
  REQUIRE(resources.ok());
  {
    StatusOr<StepCgroup> cgroup = StepCgroup::Create(root.path(), *resources, "mybuild-run-test");
    REQUIRE_MESSAGE(cgroup.ok(), cgroup.status().ToString());
    CHECK(cgroup->path() == root.path() / "ci" / "mybuild-run-test");
    CHECK(cgroup->fd() >= 0);
    CHECK(Slurp(cgroup->path() / "pids.max") == "100");
    CHECK(Slurp(cgroup->path() / "memory.max") == std::to_string(64 << 20));
    // A plain file stands for cgroup.subtree_control here: the last controller written is what it holds.
    CHECK(Slurp(root.path() / "ci" / "cgroup.subtree_control") == "+memory");
  }
  // Without the controller in the parent's cgroup.controllers: a clear error naming the flag and the file.
  std::ofstream(root.path() / "ci" / "cgroup.controllers") << "memory\n";
  StatusOr<Resources> pids = ParseResourceFlags({.cgroup_parent = "ci", .pids_limit = "5"});
  REQUIRE(pids.ok());
  StatusOr<StepCgroup> refused = StepCgroup::Create(root.path(), *pids, "mybuild-run-two");
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().message() == "--pids-limit needs the pids controller, which " +
                                          (root.path() / "ci" / "cgroup.controllers").string() + " does not offer");
}

}  // namespace
}  // namespace mybuild::executor

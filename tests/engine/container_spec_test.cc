#include "src/engine/container_spec.h"

#include <doctest/doctest.h>
#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <map>

namespace mybuild::engine {
namespace {

LookupEnv FakeEnv(std::map<std::string, std::string> values) {
  return [values](const std::string& key) -> std::optional<std::string> {
    auto found = values.find(key);
    return found == values.end() ? std::nullopt : std::optional<std::string>(found->second);
  };
}

RunOptions Options(RunFlags flags) {
  StatusOr<RunOptions> options = ParseRunFlags(std::move(flags), FakeEnv({}));
  REQUIRE(options.ok());
  return *options;
}

using Args = std::vector<std::string>;

TEST_CASE("container spec: Entrypoint and Cmd as docker combines them with the run's arguments") {
  struct Row {
    std::optional<Args> entrypoint, cmd;  // the image's
    std::optional<std::string> entrypoint_flag;
    Args command;                         // after IMAGE
    Args expected;                        // empty = an error
  };
  const Args exec_entry = {"exec_entry", "p1_entry"};
  const Args exec_cmd = {"exec_cmd", "p1_cmd"};
  const Args shell_cmd = {"/bin/sh", "-c", "exec_cmd p1_cmd"};
  const Row rows[] = {
      {std::nullopt, std::nullopt, std::nullopt, {}, {}},
      {std::nullopt, exec_cmd, std::nullopt, {}, exec_cmd},
      {exec_entry, std::nullopt, std::nullopt, {}, exec_entry},
      {exec_entry, exec_cmd, std::nullopt, {}, {"exec_entry", "p1_entry", "exec_cmd", "p1_cmd"}},
      {exec_entry, shell_cmd, std::nullopt, {}, {"exec_entry", "p1_entry", "/bin/sh", "-c", "exec_cmd p1_cmd"}},
      {exec_entry, exec_cmd, std::nullopt, {"a"}, {"exec_entry", "p1_entry", "a"}},
      {std::nullopt, exec_cmd, std::nullopt, {"a", "b"}, {"a", "b"}},
      {exec_entry, exec_cmd, std::string("x"), {}, {"x"}},
      {exec_entry, exec_cmd, std::string("x"), {"y"}, {"x", "y"}},
      {exec_entry, exec_cmd, std::string(""), {"y"}, {"y"}},
      {exec_entry, exec_cmd, std::string(""), {}, {}},
      {Args{}, exec_cmd, std::nullopt, {}, exec_cmd},  // ENTRYPOINT [] is no entrypoint
  };
  for (const Row& row : rows) {
    image::ContainerConfig config;
    config.entrypoint = row.entrypoint;
    config.cmd = row.cmd;
    RunFlags flags;
    flags.image = "img";
    flags.entrypoint = row.entrypoint_flag;
    flags.command = row.command;
    StatusOr<ContainerProcess> process = DecideProcess(config, Options(flags), "host");
    if (row.expected.empty()) {
      CHECK_FALSE(process.ok());
    } else {
      REQUIRE(process.ok());
      CHECK(process->args == row.expected);
    }
  }
}

TEST_CASE("container spec: environment, working directory and user") {
  image::ContainerConfig config;
  config.cmd = Args{"true"};
  config.env = {"A=image", "B=image"};
  config.working_dir = "/srv";
  config.user = "app";
  RunFlags flags;
  flags.image = "img";
  flags.env = {"B=flag", "C=flag"};
  StatusOr<ContainerProcess> process = DecideProcess(config, Options(flags), "box");
  REQUIRE(process.ok());
  CHECK(process->env == Args{"HOSTNAME=box", "A=image", "B=flag", "C=flag"});
  CHECK(process->workdir == "/srv");
  CHECK(process->user == "app");
  CHECK(WithHome(process->env, "/home/app").back() == "HOME=/home/app");
  CHECK(WithHome({"HOME=/x"}, "/home/app") == Args{"HOME=/x"});

  flags.workdir = "/tmp";
  flags.user = "1000:50";
  process = DecideProcess(config, Options(flags), "box");
  REQUIRE(process.ok());
  CHECK(process->workdir == "/tmp");
  CHECK(process->user == "1000:50");
  config.working_dir.clear();
  config.user.clear();
  flags.workdir.reset();
  flags.user.reset();
  process = DecideProcess(config, Options(flags), "box");
  REQUIRE(process.ok());
  CHECK(process->workdir == "/");
  CHECK(process->user == "0");
}

TEST_CASE("container spec: -e and --env-file") {
  char path[] = "/tmp/mybuild-envfile-XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  close(fd);
  std::ofstream(path) << "# comment\n\n   A=file\nB=file=with=equals\nFROM_ENV\nMISSING\n";
  StatusOr<Args> env = ResolveEnvFlags({"A=flag", "FROM_ENV", "GONE"}, {path}, FakeEnv({{"FROM_ENV", "caller"}}));
  REQUIRE(env.ok());
  CHECK(*env == Args{"A=flag", "B=file=with=equals", "FROM_ENV=caller"});
  std::ofstream(path) << "BAD NAME=1\n";
  StatusOr<Args> bad = ResolveEnvFlags({}, {path}, FakeEnv({}));
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find(std::string(path) + ":1") != std::string::npos);
  CHECK_FALSE(ResolveEnvFlags({"=x"}, {}, FakeEnv({})).ok());
  CHECK_FALSE(ResolveEnvFlags({}, {"/nonexistent/env"}, FakeEnv({})).ok());
  unlink(path);
}

TEST_CASE("container spec: flag values checked before anything runs") {
  RunFlags flags;
  flags.image = "img";
  flags.network = "bridge";
  CHECK_FALSE(ParseRunFlags(flags, FakeEnv({})).ok());
  flags.network = "none";
  CHECK(ParseRunFlags(flags, FakeEnv({}))->network == NetworkMode::kNone);
  flags.pull = "sometimes";
  CHECK_FALSE(ParseRunFlags(flags, FakeEnv({})).ok());
  flags.pull = "never";
  flags.workdir = "relative";
  CHECK_FALSE(ParseRunFlags(flags, FakeEnv({})).ok());
  flags.workdir.reset();
  flags.name = "-bad";
  CHECK_FALSE(ParseRunFlags(flags, FakeEnv({})).ok());
  flags.name = "good_name.1";
  flags.volumes = {"/tmp:/a", "/tmp:/a:ro"};
  CHECK_FALSE(ParseRunFlags(flags, FakeEnv({})).ok());  // the same mount point twice
  flags.volumes.clear();
  flags.stop_signal = "SIGUSR1";
  CHECK(ParseRunFlags(flags, FakeEnv({}))->stop_signal == SIGUSR1);
}

TEST_CASE("container spec: signals by name or number") {
  CHECK(*ParseSignal("SIGTERM") == SIGTERM);
  CHECK(*ParseSignal("kill") == SIGKILL);
  CHECK(*ParseSignal("9") == 9);
  CHECK_FALSE(ParseSignal("SIGNOPE").ok());
  CHECK_FALSE(ParseSignal("0").ok());
  CHECK_FALSE(ParseSignal("999").ok());
}

TEST_CASE("mount flags: -v, --mount and --add-host") {
  StatusOr<MountRequest> rw = ParseVolumeFlag("/tmp:/data");
  REQUIRE(rw.ok());
  CHECK(rw->source == "/tmp");
  CHECK(rw->target == "/data");
  CHECK_FALSE(rw->read_only);
  CHECK(ParseVolumeFlag("/tmp:/data:ro")->read_only);
  CHECK(ParseVolumeFlag("/nonexistent-mybuild:/data").status().code() == StatusCode::kInvalidArgument);
  StatusOr<MountRequest> named = ParseVolumeFlag("app-data.1:/data:ro");
  REQUIRE(named.ok());
  CHECK(named->type == MountRequest::Type::kVolume);
  CHECK(named->source == "app-data.1");
  CHECK(named->target == "/data");
  CHECK(named->read_only);
  CHECK(ParseVolumeFlag("x:/data").status().code() == StatusCode::kInvalidArgument);  // too short a name
  CHECK(ParseVolumeFlag("-bad:/data").status().code() == StatusCode::kInvalidArgument);
  CHECK(ParseVolumeFlag("a$b:/data").status().code() == StatusCode::kInvalidArgument);
  StatusOr<MountRequest> anonymous = ParseVolumeFlag("/data");
  REQUIRE(anonymous.ok());
  CHECK(anonymous->type == MountRequest::Type::kVolume);
  CHECK(anonymous->anonymous);
  CHECK(anonymous->source.empty());
  CHECK(anonymous->target == "/data");
  CHECK_FALSE(ParseVolumeFlag("relative").ok());
  CHECK_FALSE(ParseVolumeFlag("/tmp:relative").ok());
  CHECK_FALSE(ParseVolumeFlag("/tmp:/").ok());
  CHECK_FALSE(ParseVolumeFlag("/tmp:/data:rx").ok());

  StatusOr<MountRequest> bind = ParseMountFlag("type=bind,source=/tmp,target=/m,readonly");
  REQUIRE(bind.ok());
  CHECK(bind->read_only);
  StatusOr<MountRequest> tmpfs = ParseMountFlag("type=tmpfs,dst=/t,tmpfs-size=64m");
  REQUIRE(tmpfs.ok());
  CHECK(tmpfs->type == MountRequest::Type::kTmpfs);
  CHECK(tmpfs->tmpfs_size_bytes == 64ull << 20);
  CHECK_FALSE(ParseMountFlag("type=bind,target=/m").ok());
  CHECK_FALSE(ParseMountFlag("type=tmpfs,source=/tmp,target=/m").ok());
  CHECK_FALSE(ParseMountFlag("type=bind,source=/tmp,target=/m,propagation=shared").ok());
  CHECK(ParseMountFlag("type=volume,target=/m").value().anonymous);
  StatusOr<MountRequest> volume = ParseMountFlag("type=volume,source=cache,target=/m");
  REQUIRE(volume.ok());
  CHECK(volume->type == MountRequest::Type::kVolume);
  CHECK(volume->source == "cache");

  CHECK(*ParseAddHost("db:198.51.100.1") == "198.51.100.1\tdb");
  CHECK(*ParseAddHost("db=::1") == "::1\tdb");
  CHECK(*ParseAddHost("db:[fe80::1]") == "fe80::1\tdb");
  CHECK_FALSE(ParseAddHost("db:not-an-ip").ok());
  CHECK_FALSE(ParseAddHost(":198.51.100.1").ok());
}

}  // namespace
}  // namespace mybuild::engine

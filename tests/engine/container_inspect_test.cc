#include "src/engine/container_inspect.h"

#include <doctest/doctest.h>

namespace mybuild::engine {
namespace {

TEST_CASE("container inspect: docker's shape for a running container with mounts") {
  ContainerRecord record;
  record.id = std::string(64, 'a');
  record.name = "web";
  record.image = "app:1";
  record.image_digest = "sha256:" + std::string(64, 'b');
  record.created = "2026-12-07T12:00:00.5Z";
  record.settings.process.args = {"/entry", "serve", "--port=80"};
  record.settings.process.entrypoint_args = 1;
  record.settings.process.env = {"HOSTNAME=web-host", "PATH=/bin", "MODE=x"};
  record.settings.process.workdir = "/srv";
  record.settings.process.user = "1000";
  record.settings.hostname = "web-host";
  record.settings.network = NetworkMode::kNone;
  MountRequest bind{MountRequest::Type::kBind, "/host/data", "/data", true, 0};
  MountRequest volume{MountRequest::Type::kVolume, "cache", "/cache", false, 0};
  MountRequest tmpfs{MountRequest::Type::kTmpfs, "", "/scratch", false, 1024};
  record.settings.mounts = {bind, volume, tmpfs};
  record.state.state = "running";
  record.state.pid = 4242;
  record.state.started_at = "2026-12-07T12:00:01Z";
  InspectedImage image{"sha256:" + std::string(64, 'c'), {{"team", "web"}}, {"/cache"}, ""};

  nlohmann::ordered_json json = ContainerInspectJson(record, image, "/var/lib/mybuild", "overlay");
  CHECK(json["Id"] == record.id);
  CHECK(json["Name"] == "/web");
  CHECK(json["Path"] == "/entry");
  CHECK(json["Args"] == std::vector<std::string>{"serve", "--port=80"});
  CHECK(json["Image"] == image.id);
  CHECK(json["State"]["Status"] == "running");
  CHECK(json["State"]["Running"] == true);
  CHECK(json["State"]["Pid"] == 4242);
  CHECK(json["State"]["FinishedAt"] == "0001-01-01T00:00:00Z");
  CHECK(json["Config"]["Entrypoint"] == std::vector<std::string>{"/entry"});
  CHECK(json["Config"]["Cmd"] == std::vector<std::string>{"serve", "--port=80"});
  CHECK(json["Config"]["Env"] == std::vector<std::string>{"PATH=/bin", "MODE=x"});
  CHECK(json["Config"]["Image"] == "app:1");
  CHECK(json["Config"]["WorkingDir"] == "/srv");
  CHECK(json["Config"]["User"] == "1000");
  CHECK(json["Config"]["Labels"]["team"] == "web");
  CHECK(json["Config"]["Volumes"].contains("/cache"));
  CHECK(json["Config"]["StopSignal"].is_null());
  CHECK(json["HostConfig"]["NetworkMode"] == "none");
  CHECK(json["HostConfig"]["Binds"] == std::vector<std::string>{"/host/data:/data:ro", "cache:/cache"});
  CHECK(json["HostConfig"]["Tmpfs"]["/scratch"] == "size=1024");
  REQUIRE(json["Mounts"].size() == 2);
  CHECK(json["Mounts"][0]["Type"] == "bind");
  CHECK(json["Mounts"][0]["RW"] == false);
  CHECK(json["Mounts"][1]["Type"] == "volume");
  CHECK(json["Mounts"][1]["Name"] == "cache");
  CHECK(json["Mounts"][1]["Source"] == "/var/lib/mybuild/volumes/cache/_data");
  // Keys in docker's order.
  std::vector<std::string> keys;
  for (auto it = json.begin(); it != json.end(); ++it) keys.push_back(it.key());
  CHECK(keys == std::vector<std::string>{"Id", "Created", "Path", "Args", "State", "Image", "LogPath", "Name",
                                         "RestartCount", "Driver", "Platform", "HostConfig", "Mounts", "Config"});
}

TEST_CASE("container inspect: an exited container without a command split, its image gone") {
  ContainerRecord record;
  record.id = std::string(64, 'd');
  record.image_digest = "sha256:" + std::string(64, 'e');
  record.settings.process.args = {"true"};
  record.state.state = "exited";
  record.state.exit_code = 3;
  record.state.pid = 0;
  nlohmann::ordered_json json = ContainerInspectJson(record, {}, "/r", "native");
  CHECK(json["Image"] == record.image_digest);
  CHECK(json["State"]["Running"] == false);
  CHECK(json["State"]["ExitCode"] == 3);
  CHECK(json["Config"]["Entrypoint"].is_null());
  CHECK(json["Config"]["Cmd"] == std::vector<std::string>{"true"});
  CHECK(json["Config"]["WorkingDir"] == "");
}

}  // namespace
}  // namespace mybuild::engine

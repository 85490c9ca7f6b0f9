#include "src/engine/container_inspect.h"

#include <algorithm>
#include <csignal>
#include <cstring>

namespace mybuild::engine {
namespace {

using Json = nlohmann::ordered_json;

constexpr const char* kZeroTime = "0001-01-01T00:00:00Z";

std::string TimeOrZero(const std::string& time) { return time.empty() ? kZeroTime : time; }

Json StringsOrNull(const std::vector<std::string>& values) {
  return values.empty() ? Json(nullptr) : Json(values);
}

Json InspectStateJson(const ContainerState& state) {
  const bool running = state.state == "running";
  return Json{{"Status", state.state.empty() ? "created" : state.state},
              {"Running", running},
              {"Paused", false},
              {"Restarting", false},
              {"OOMKilled", false},
              {"Dead", false},
              {"Pid", running ? state.pid : 0},
              {"ExitCode", state.exit_code},
              {"Error", state.error},
              {"StartedAt", TimeOrZero(state.started_at)},
              {"FinishedAt", TimeOrZero(state.finished_at)}};
}

std::string SignalName(int signal) {
  const char* abbrev = sigabbrev_np(signal);
  return abbrev != nullptr ? std::string("SIG") + abbrev : std::to_string(signal);
}

Json MountsJson(const ContainerSettings& settings, const std::filesystem::path& root) {
  Json mounts = Json::array();
  for (const MountRequest& mount : settings.mounts) {
    if (mount.type == MountRequest::Type::kTmpfs) continue;  // docker lists tmpfs under HostConfig.Tmpfs
    Json entry = Json::object();
    if (mount.type == MountRequest::Type::kVolume) {
      entry["Type"] = "volume";
      entry["Name"] = mount.source.string();
      entry["Source"] = (root / "volumes" / mount.source / "_data").string();
      entry["Destination"] = mount.target;
      entry["Driver"] = "local";
      entry["Mode"] = mount.read_only ? "ro" : "z";
      entry["RW"] = !mount.read_only;
      entry["Propagation"] = "";
    } else {
      entry["Type"] = "bind";
      entry["Source"] = mount.source.string();
      entry["Destination"] = mount.target;
      entry["Mode"] = mount.read_only ? "ro" : "";
      entry["RW"] = !mount.read_only;
      entry["Propagation"] = "rprivate";
    }
    mounts.push_back(std::move(entry));
  }
  return mounts;
}

Json HostConfigJson(const ContainerSettings& settings) {
  std::vector<std::string> binds;
  Json tmpfs = Json::object();
  for (const MountRequest& mount : settings.mounts) {
    if (mount.type == MountRequest::Type::kTmpfs) {
      tmpfs[mount.target] = mount.tmpfs_size_bytes > 0 ? "size=" + std::to_string(mount.tmpfs_size_bytes) : "";
      continue;
    }
    binds.push_back(mount.source.string() + ":" + mount.target + (mount.read_only ? ":ro" : ""));
  }
  Json ulimits = Json::array();
  for (const executor::Ulimit& limit : settings.resources.ulimits) {
    ulimits.push_back({{"Name", limit.name}, {"Hard", limit.hard}, {"Soft", limit.soft}});
  }
  return Json{{"Binds", StringsOrNull(binds)},
              {"NetworkMode", settings.network == NetworkMode::kNone ? "none" : "host"},
              {"AutoRemove", settings.remove},
              {"ReadonlyRootfs", settings.read_only},
              {"ExtraHosts", StringsOrNull(settings.extra_hosts)},
              {"Init", settings.init},
              {"ShmSize", settings.resources.shm_size_bytes},
              {"CgroupParent", settings.resources.cgroup_parent},
              {"PidsLimit", settings.resources.pids_limit > 0 ? Json(settings.resources.pids_limit) : Json(nullptr)},
              {"Memory", settings.resources.memory_bytes},
              {"Ulimits", ulimits.empty() ? Json(nullptr) : ulimits},
              {"Tmpfs", tmpfs.empty() ? Json(nullptr) : tmpfs}};
}

Json ConfigJson(const ContainerRecord& record, const InspectedImage& image) {
  const ContainerSettings& settings = record.settings;
  const ContainerProcess& process = settings.process;
  std::vector<std::string> env = process.env;
  if (!env.empty() && env[0] == "HOSTNAME=" + settings.hostname) env.erase(env.begin());
  const size_t split = std::min(process.entrypoint_args, process.args.size());
  const std::vector<std::string> entrypoint(process.args.begin(), process.args.begin() + static_cast<long>(split));
  const std::vector<std::string> cmd(process.args.begin() + static_cast<long>(split), process.args.end());
  Json volumes = Json(nullptr);
  if (!image.volumes.empty()) {
    volumes = Json::object();
    for (const std::string& volume : image.volumes) volumes[volume] = Json::object();
  }
  return Json{{"Hostname", settings.hostname},
              {"Domainname", ""},
              {"User", process.user == "0" ? "" : process.user},
              {"AttachStdin", settings.interactive},
              {"AttachStdout", true},
              {"AttachStderr", true},
              {"Tty", settings.tty},
              {"OpenStdin", settings.interactive},
              {"StdinOnce", settings.interactive},
              {"Env", env},
              {"Cmd", StringsOrNull(cmd)},
              {"Image", record.image},
              {"Volumes", volumes},
              {"WorkingDir", process.workdir == "/" ? "" : process.workdir},
              {"Entrypoint", StringsOrNull(entrypoint)},
              {"Labels", image.labels},
              {"StopSignal", image.stop_signal.empty() && settings.stop_signal == SIGTERM
                                 ? Json(nullptr)
                                 : Json(SignalName(settings.stop_signal))},
              {"StopTimeout", settings.stop_timeout_seconds}};
}

}  // namespace

Json ContainerInspectJson(const ContainerRecord& record, const InspectedImage& image, const std::filesystem::path& root,
                          const std::string& driver) {
  const ContainerProcess& process = record.settings.process;
  Json out = Json::object();
  out["Id"] = record.id;
  out["Created"] = record.created;
  out["Path"] = process.args.empty() ? "" : process.args[0];
  out["Args"] = process.args.empty() ? std::vector<std::string>() :
                                       std::vector<std::string>(process.args.begin() + 1, process.args.end());
  out["State"] = InspectStateJson(record.state);
  out["Image"] = image.id.empty() ? record.image_digest : image.id;
  out["LogPath"] = (root / "containers" / record.id / "container.log").string();
  out["Name"] = "/" + record.name;
  out["RestartCount"] = 0;
  out["Driver"] = driver;
  out["Platform"] = "linux";
  out["HostConfig"] = HostConfigJson(record.settings);
  out["Mounts"] = MountsJson(record.settings, root);
  out["Config"] = ConfigJson(record, image);
  return out;
}

}  // namespace mybuild::engine

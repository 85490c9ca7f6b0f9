#include "src/engine/container_settings.h"

#include <algorithm>

namespace mybuild::engine {

namespace {

nlohmann::json ResourcesToJson(const executor::Resources& resources) {
  nlohmann::json ulimits = nlohmann::json::array();
  for (const executor::Ulimit& limit : resources.ulimits) {
    ulimits.push_back({{"name", limit.name}, {"resource", limit.resource}, {"soft", limit.soft}, {"hard", limit.hard}});
  }
  return {{"ulimits", ulimits},
          {"shm_size", resources.shm_size_bytes},
          {"cgroup_parent", resources.cgroup_parent},
          {"pids_limit", resources.pids_limit},
          {"memory", resources.memory_bytes}};
}

// Throws nlohmann::json::exception on a malformed record (the caller turns it into kDataLoss).
executor::Resources ResourcesFromJson(const nlohmann::json& json) {
  executor::Resources resources;
  for (const nlohmann::json& item : json.value("ulimits", nlohmann::json::array())) {
    executor::Ulimit limit;
    limit.name = item.at("name").get<std::string>();
    limit.resource = item.at("resource").get<int>();
    limit.soft = item.at("soft").get<uint64_t>();
    limit.hard = item.at("hard").get<uint64_t>();
    resources.ulimits.push_back(std::move(limit));
  }
  resources.shm_size_bytes = json.value("shm_size", executor::kDefaultShmSizeBytes);
  resources.cgroup_parent = json.value("cgroup_parent", "");
  resources.pids_limit = json.value("pids_limit", int64_t{0});
  resources.memory_bytes = json.value("memory", int64_t{0});
  return resources;
}

}  // namespace

ContainerSettings MakeSettings(const RunOptions& options, ContainerProcess process, std::string hostname,
                               int stop_signal, std::string snapshotter) {
  ContainerSettings settings;
  settings.process = std::move(process);
  settings.hostname = std::move(hostname);
  settings.network = options.network;
  settings.network_dir = options.flags.join_network;
  settings.extra_hosts = options.extra_hosts;
  settings.mounts = options.mounts;
  settings.read_only = options.flags.read_only;
  settings.tty = options.flags.tty;
  settings.interactive = options.flags.interactive;
  settings.remove = options.flags.remove;
  settings.init = options.flags.init;
  settings.stop_signal = stop_signal;
  settings.stop_timeout_seconds = options.flags.stop_timeout_seconds;
  settings.snapshotter = std::move(snapshotter);
  settings.resources = options.resources;
  settings.healthcheck = options.flags.healthcheck;
  settings.restart = options.flags.restart;
  return settings;
}

nlohmann::json SettingsToJson(const ContainerSettings& settings) {
  nlohmann::json mounts = nlohmann::json::array();
  for (const MountRequest& mount : settings.mounts) {
    const char* type = mount.type == MountRequest::Type::kTmpfs    ? "tmpfs"
                       : mount.type == MountRequest::Type::kVolume ? "volume"
                                                                   : "bind";
    mounts.push_back({{"type", type},
                      {"source", mount.source.string()},
                      {"target", mount.target},
                      {"read_only", mount.read_only},
                      {"tmpfs_size", mount.tmpfs_size_bytes},
                      {"anonymous", mount.anonymous}});
  }
  nlohmann::json out = {{"args", settings.process.args},
                        {"entrypoint_args", settings.process.entrypoint_args},
                        {"env", settings.process.env},
                        {"workdir", settings.process.workdir},
                        {"user", settings.process.user},
                        {"hostname", settings.hostname},
                        {"network", settings.network == NetworkMode::kNone     ? "none"
                                    : settings.network == NetworkMode::kJoined ? "joined"
                                                                               : "host"},
                        {"network_dir", settings.network_dir},
                        {"extra_hosts", settings.extra_hosts},
                        {"mounts", mounts},
                        {"read_only", settings.read_only},
                        {"tty", settings.tty},
                        {"interactive", settings.interactive},
                        {"remove", settings.remove},
                        {"init", settings.init},
                        {"stop_signal", settings.stop_signal},
                        {"stop_timeout", settings.stop_timeout_seconds},
                        {"snapshotter", settings.snapshotter},
                        {"resources", ResourcesToJson(settings.resources)},
                        {"restart", settings.restart}};
  if (settings.healthcheck) {
    const image::HealthConfig& check = *settings.healthcheck;
    out["healthcheck"] = {{"test", check.test},
                          {"interval", check.interval_ns},
                          {"timeout", check.timeout_ns},
                          {"start_period", check.start_period_ns},
                          {"retries", check.retries}};
  }
  return out;
}

StatusOr<ContainerSettings> SettingsFromJson(const nlohmann::json& json, const std::string& what) {
  if (!json.is_object()) return DataLoss(what + ": \"settings\" is not an object");
  try {
    ContainerSettings settings;
    settings.process.args = json.at("args").get<std::vector<std::string>>();
    settings.process.entrypoint_args = std::min(json.value("entrypoint_args", size_t{0}), settings.process.args.size());
    settings.process.env = json.value("env", std::vector<std::string>());
    settings.process.workdir = json.value("workdir", "/");
    settings.process.user = json.value("user", "0");
    settings.hostname = json.value("hostname", "");
    const std::string network = json.value("network", "host");
    settings.network = network == "none" ? NetworkMode::kNone : network == "joined" ? NetworkMode::kJoined : NetworkMode::kHost;
    settings.network_dir = json.value("network_dir", "");
    settings.extra_hosts = json.value("extra_hosts", std::vector<std::string>());
    for (const nlohmann::json& item : json.value("mounts", nlohmann::json::array())) {
      MountRequest mount;
      const std::string type = item.value("type", "bind");
      mount.type = type == "tmpfs"    ? MountRequest::Type::kTmpfs
                   : type == "volume" ? MountRequest::Type::kVolume
                                      : MountRequest::Type::kBind;
      mount.source = item.value("source", "");
      mount.target = item.at("target").get<std::string>();
      mount.read_only = item.value("read_only", false);
      mount.tmpfs_size_bytes = item.value("tmpfs_size", uint64_t{0});
      mount.anonymous = item.value("anonymous", false);
      settings.mounts.push_back(std::move(mount));
    }
    settings.read_only = json.value("read_only", false);
    settings.tty = json.value("tty", false);
    settings.interactive = json.value("interactive", false);
    settings.remove = json.value("remove", false);
    settings.init = json.value("init", false);
    settings.stop_signal = json.value("stop_signal", 15);
    settings.stop_timeout_seconds = json.value("stop_timeout", 10);
    settings.snapshotter = json.value("snapshotter", "auto");
    settings.restart = json.value("restart", "no");
    if (json.contains("resources")) settings.resources = ResourcesFromJson(json.at("resources"));
    if (json.contains("healthcheck")) {
      const nlohmann::json& check = json.at("healthcheck");
      image::HealthConfig health;
      health.test = check.at("test").get<std::vector<std::string>>();
      health.interval_ns = check.value("interval", int64_t{0});
      health.timeout_ns = check.value("timeout", int64_t{0});
      health.start_period_ns = check.value("start_period", int64_t{0});
      health.retries = check.value("retries", int64_t{0});
      settings.healthcheck = std::move(health);
    }
    if (settings.process.args.empty()) return DataLoss(what + ": the container has no command");
    return settings;
  } catch (const nlohmann::json::exception& error) {
    return DataLoss(what + ": " + error.what());
  }
}

}  // namespace mybuild::engine

// What a container runs, decided once when it is created (from its image's config and the run's flags)
// and stored in its record, so that every later start (`run -d`'s monitor, `start`, `restart`) runs the
// same process in the same sandbox. JSON form (the "settings" object of ROOT/containers/ID/config.json):
//   {"args":[…],"entrypoint_args":N (how many args are the Entrypoint),"env":[…],"workdir":"/","user":"0",
//    "hostname":"…","network":"host|none|joined","network_dir":"…",
//    "extra_hosts":["IP\tNAME",…],"mounts":[{"type":"bind|volume|tmpfs","source":"…","target":"…",
//    "read_only":false,"tmpfs_size":0,"anonymous":false},…],"read_only":false,"tty":false,"interactive":false,
//    "remove":false,"init":false,"stop_signal":15,"stop_timeout":10,"snapshotter":"overlay|native|auto",
//    "restart":"no|always|…",
//    "healthcheck":{"test":[…],"interval":NS,"timeout":NS,"start_period":NS,"retries":N}}
#ifndef MYBUILD_ENGINE_CONTAINER_SETTINGS_H_
#define MYBUILD_ENGINE_CONTAINER_SETTINGS_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "src/base/status.h"
#include "src/executor/resources.h"
#include "src/engine/container_spec.h"

namespace mybuild::engine {

struct ContainerSettings {
  ContainerProcess process;  // env without HOME (added from the user's passwd entry at each start)
  std::string hostname;
  NetworkMode network = NetworkMode::kHost;
  std::string network_dir;  // kJoined: the network's directory (network_holder.h)
  std::vector<std::string> extra_hosts;
  std::vector<MountRequest> mounts;
  bool read_only = false;
  bool tty = false;
  bool interactive = false;
  bool remove = false;  // --rm: the container is removed when it exits
  bool init = false;    // --init: a minimal init (src/monitor/mini_init.h) is PID 1 and runs the process
  int stop_signal = 15;
  int stop_timeout_seconds = 10;
  std::string snapshotter = "auto";
  executor::Resources resources;  // --ulimit, --shm-size, --cgroup-parent, --pids-limit, --memory
  std::optional<image::HealthConfig> healthcheck;  // run by the monitor (health_prober.h)
  std::string restart = "no";  // the restart policy (restart_policy.h), honoured by the monitor
};

ContainerSettings MakeSettings(const RunOptions& options, ContainerProcess process, std::string hostname,
                               int stop_signal, std::string snapshotter);

nlohmann::json SettingsToJson(const ContainerSettings& settings);
// Errors name `what` (the record's path).
StatusOr<ContainerSettings> SettingsFromJson(const nlohmann::json& json, const std::string& what);

}  // namespace mybuild::engine

#endif  // MYBUILD_ENGINE_CONTAINER_SETTINGS_H_

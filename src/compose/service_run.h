// What `compose up` runs for each service: the container keys of a service in the canonical model
// (canonical.h), typed and checked. Pure data: every user error is found here and names the key path
// and the file:line:column it came from (`services.web.ports[0]: …`).
//
// Names, as docker compose gives them: containers `<project>-<service>-<n>` (or container_name), volumes
// and networks the top-level entries' `name` (default `<project>_<key>`), and labels
// com.docker.compose.project / .service / .container-number on every container.
#ifndef MYBUILD_COMPOSE_SERVICE_RUN_H_
#define MYBUILD_COMPOSE_SERVICE_RUN_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/base/source_location.h"
#include "src/base/status.h"
#include "src/compose/project.h"

namespace mybuild::compose {

inline constexpr const char* kProjectLabel = "com.docker.compose.project";
inline constexpr const char* kServiceLabel = "com.docker.compose.service";
inline constexpr const char* kNumberLabel = "com.docker.compose.container-number";
inline constexpr const char* kVolumeLabel = "com.docker.compose.volume";

struct ServiceVolume {
  enum class Type { kBind, kVolume, kTmpfs };
  Type type = Type::kVolume;
  std::string source;  // kBind: an absolute host path; kVolume: the volume's full name (<project>_<key>)
  std::string target;
  bool read_only = false;
  uint64_t tmpfs_size = 0;
};

struct ServicePort {
  std::string host_ip = "0.0.0.0";
  int published = 0;  // 0: not published (only declared)
  int target = 0;
  SourceLocation location;
};

// `healthcheck:` (or the image's HEALTHCHECK, with the same fields): test is ["CMD", args…],
// ["CMD-SHELL", command] or ["NONE"].
struct Healthcheck {
  std::vector<std::string> test;
  int64_t interval_ms = 30000;
  int64_t timeout_ms = 30000;
  int64_t start_period_ms = 0;
  int retries = 3;
};

struct ServiceNetwork {
  std::string key;   // as the service names it
  std::string name;  // the network's full name
  std::vector<std::string> aliases;
};

struct ServiceRun {
  std::string name;
  std::string image;  // Project::ImageName
  bool has_build = false;
  std::optional<std::vector<std::string>> command;
  std::optional<std::vector<std::string>> entrypoint;
  std::vector<std::string> environment;  // KEY=VALUE: env_file entries first, then environment
  std::string working_dir;
  std::string user;
  std::string hostname;
  std::string container_name;
  std::vector<ServiceVolume> volumes;
  bool init = false;
  bool read_only = false;
  std::vector<std::string> extra_hosts;  // NAME:IP, as --add-host
  std::string stop_signal;
  int stop_grace_seconds = 10;
  std::string network_mode;  // "host", "none", or "" (the networks below)
  std::vector<ServiceNetwork> networks;
  std::vector<ServicePort> ports;
  int replicas = 1;
  std::optional<Healthcheck> healthcheck;  // nullopt: none set (the image's may apply); test NONE: disabled
  std::string pull_policy;  // as written ("" = missing)
  std::string restart;      // no | always | on-failure[:N] | unless-stopped ("" = no)
  std::map<std::string, Dependency> depends_on;
  SourceLocation location;

  // <project>-<service>-<n>, or container_name.
  std::string ContainerName(const std::string& project, int number) const;
};

// `read_file` reads an env_file (absolute path); nullopt when it does not exist.
using ReadEnvFile = std::function<StatusOr<std::optional<std::string>>(const std::string& path)>;

StatusOr<ServiceRun> ServiceRunFromModel(const Project& project, const std::string& service, const ReadEnvFile& read_file);

// compose's durations: "1m30s", "10s", "1.5s", "500ms", "2h", "1us"; a bare number is seconds.
StatusOr<int64_t> ParseDurationMs(std::string_view text);

// The services to start for `selected` (all when empty) with the services they depend on, in an order
// where every service comes after its dependencies (ties by name).
std::vector<std::string> StartOrder(const std::map<std::string, Service>& services, const std::vector<std::string>& selected);

// The project's volumes: key → full name (top-level `volumes:`).
std::map<std::string, std::string> ProjectVolumes(const Project& project);
// The project's networks: key → full name.
std::map<std::string, std::string> ProjectNetworks(const Project& project);

}  // namespace mybuild::compose

#endif  // MYBUILD_COMPOSE_SERVICE_RUN_H_

#include "src/cli/compose_run_options.h"

#include <set>

namespace mybuild::cli {

std::vector<std::string> NetworkHostNames(const ServiceRuns& runs, const std::string& project, const std::string& name) {
  std::set<std::string> names;
  for (const auto& [service, run] : runs) {
    for (const compose::ServiceNetwork& network : run.networks) {
      if (network.name != name) continue;
      names.insert(service);
      names.insert(network.aliases.begin(), network.aliases.end());
      for (int n = 1; n <= std::max(run.replicas, 1); ++n) names.insert(run.ContainerName(project, n));
    }
  }
  return {names.begin(), names.end()};
}

StatusOr<std::string> ServiceNetworkName(const compose::ServiceRun& run) {
  if (!run.network_mode.empty() || run.networks.empty()) return std::string();
  if (run.networks.size() > 1) {
    return Status(StatusCode::kUnimplemented,
                  "services." + run.name + ".networks: a container joins one network namespace here (" +
                      run.networks[0].key + ", " + run.networks[1].key + "): put the services on one network",
                  run.location);
  }
  return run.networks[0].name;
}

Status CheckPortConflicts(const ServiceRuns& runs) {
  std::map<std::pair<std::string, int>, std::string> targets;  // (network, port) → service
  std::map<std::pair<std::string, int>, std::string> published;  // (host ip, port) → service
  for (const auto& [service, run] : runs) {
    MB_ASSIGN_OR_RETURN(std::string network, ServiceNetworkName(run));
    if (network.empty()) network = "host network of " + service;  // host/none: no shared namespace
    for (const compose::ServicePort& port : run.ports) {
      if (run.replicas > 1) {
        return InvalidArgument("services." + service + ".ports: " + std::to_string(run.replicas) +
                                   " replicas would all listen on port " + std::to_string(port.target) +
                                   " of network " + network + " (one network namespace): use one replica",
                               port.location);
      }
      auto [at, fresh] = targets.emplace(std::make_pair(network, port.target), service);
      if (!fresh && at->second != service) {
        return InvalidArgument("services " + at->second + " and " + service + " both listen on port " +
                                   std::to_string(port.target) + " of network " + network +
                                   " (one network namespace, like a pod): change one container port",
                               port.location);
      }
      if (port.published == 0) continue;
      auto [host, fresh_host] = published.emplace(std::make_pair(port.host_ip, port.published), service);
      if (!fresh_host) {
        return InvalidArgument("services " + host->second + " and " + service + " both publish " + port.host_ip + ":" +
                                   std::to_string(port.published),
                               port.location);
      }
    }
  }
  return Status::Ok();
}

std::vector<engine::PublishedPort> NetworkPorts(const ServiceRuns& runs, const std::string& name) {
  std::vector<engine::PublishedPort> ports;
  for (const auto& [service, run] : runs) {
    StatusOr<std::string> network = ServiceNetworkName(run);
    if (!network.ok() || *network != name) continue;
    for (const compose::ServicePort& port : run.ports) {
      if (port.published != 0) ports.push_back(engine::PublishedPort{port.host_ip, port.published, port.target});
    }
  }
  return ports;
}

StatusOr<engine::RunOptions> ServiceRunOptions(const compose::ServiceRun& run, const ReplicaOptions& replica) {
  engine::RunFlags flags;
  flags.image = run.image;
  if (run.entrypoint) {
    flags.entrypoint = run.entrypoint->empty() ? std::string() : (*run.entrypoint)[0];
    if (run.entrypoint->size() > 1) flags.command.assign(run.entrypoint->begin() + 1, run.entrypoint->end());
  }
  if (run.command) flags.command.insert(flags.command.end(), run.command->begin(), run.command->end());
  flags.env = run.environment;
  if (!run.working_dir.empty()) flags.workdir = run.working_dir;
  if (!run.user.empty()) flags.user = run.user;
  flags.hostname = run.hostname;
  flags.name = run.ContainerName(replica.project, replica.number);
  flags.read_only = run.read_only;
  flags.init = run.init;
  flags.stop_signal = run.stop_signal;
  flags.restart = run.restart.empty() ? "no" : run.restart;
  flags.stop_timeout_seconds = run.stop_grace_seconds;
  flags.add_hosts = run.extra_hosts;
  if (run.network_mode == "none") flags.network = "none";
  if (!replica.network_dir.empty()) {
    flags.join_network = replica.network_dir.string();
    for (const std::string& name : replica.host_names) flags.add_hosts.push_back(name + ":127.0.0.1");
  }
  // A built image is in the store; pull_policy decides for the others.
  flags.pull = run.has_build ? "never" : run.pull_policy == "always" ? "always" : run.pull_policy == "never" ? "never" : "missing";
  if (run.healthcheck) {
    image::HealthConfig check;
    check.test = run.healthcheck->test;
    check.interval_ns = run.healthcheck->interval_ms * 1000000;
    check.timeout_ns = run.healthcheck->timeout_ms * 1000000;
    check.start_period_ns = run.healthcheck->start_period_ms * 1000000;
    check.retries = run.healthcheck->retries;
    flags.healthcheck = std::move(check);
  }
  flags.labels = {{compose::kProjectLabel, replica.project},
                  {compose::kServiceLabel, run.name},
                  {compose::kNumberLabel, std::to_string(replica.number)},
                  {kConfigHashLabel, replica.config_hash}};
  const std::string path = "services." + run.name;
  StatusOr<engine::RunOptions> options = engine::ParseRunFlags(std::move(flags), [](const std::string&) { return std::nullopt; });
  if (!options.ok()) return Status(options.status().code(), path + ": " + options.status().message(), run.location);
  for (const compose::ServiceVolume& volume : run.volumes) {
    engine::MountRequest mount;
    mount.type = volume.type == compose::ServiceVolume::Type::kBind     ? engine::MountRequest::Type::kBind
                 : volume.type == compose::ServiceVolume::Type::kTmpfs ? engine::MountRequest::Type::kTmpfs
                                                                        : engine::MountRequest::Type::kVolume;
    mount.source = volume.source;
    mount.target = volume.target;
    mount.read_only = volume.read_only;
    mount.tmpfs_size_bytes = volume.tmpfs_size;
    for (const engine::MountRequest& other : options->mounts) {
      if (other.target == mount.target) return InvalidArgument(path + ".volumes: duplicate mount point " + mount.target, run.location);
    }
    options->mounts.push_back(std::move(mount));
  }
  return options;
}

}  // namespace mybuild::cli

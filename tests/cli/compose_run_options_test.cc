#include "src/cli/compose_run_options.h"

#include <doctest/doctest.h>

namespace mybuild::cli {
namespace {

compose::ServiceRun Service(const std::string& name, const std::string& network = "p_default") {
  compose::ServiceRun run;
  run.name = name;
  run.image = "bb";
  if (!network.empty()) run.networks.push_back({"default", network, {}});
  return run;
}

TEST_CASE("compose run options: a service's container as run -d would get it") {
  compose::ServiceRun run = Service("web");
  run.entrypoint = std::vector<std::string>{"sh", "-c"};
  run.command = std::vector<std::string>{"echo hi"};
  run.environment = {"A=1"};
  run.stop_grace_seconds = 3;
  run.healthcheck = compose::Healthcheck{{"CMD", "true"}, 500, 1000, 0, 2};
  run.volumes.push_back({compose::ServiceVolume::Type::kVolume, "p_data", "/data", true, 0});
  ReplicaOptions replica{"p", 2, "/root/networks/p_default", {"db", "web"}, "HASH"};
  StatusOr<engine::RunOptions> options = ServiceRunOptions(run, replica);
  REQUIRE_MESSAGE(options.ok(), options.status().ToString());
  CHECK(*options->flags.entrypoint == "sh");
  CHECK(options->flags.command == std::vector<std::string>{"-c", "echo hi"});
  CHECK(options->flags.name == "p-web-2");
  CHECK(options->network == engine::NetworkMode::kJoined);
  CHECK(options->flags.join_network == "/root/networks/p_default");
  CHECK(options->extra_hosts == std::vector<std::string>{"127.0.0.1\tdb", "127.0.0.1\tweb"});
  CHECK(options->env == std::vector<std::string>{"A=1"});
  CHECK(options->flags.stop_timeout_seconds == 3);
  CHECK(options->flags.labels.at("com.docker.compose.project") == "p");
  CHECK(options->flags.labels.at("com.docker.compose.service") == "web");
  CHECK(options->flags.labels.at("com.docker.compose.container-number") == "2");
  CHECK(options->flags.labels.at(kConfigHashLabel) == "HASH");
  REQUIRE(options->flags.healthcheck);
  CHECK(options->flags.healthcheck->interval_ns == 500000000);
  REQUIRE(options->mounts.size() == 1);
  CHECK(options->mounts[0].type == engine::MountRequest::Type::kVolume);
  CHECK(options->mounts[0].source == "p_data");
  CHECK(options->mounts[0].read_only);

  compose::ServiceRun empty_entrypoint = Service("x", "");
  empty_entrypoint.network_mode = "none";
  empty_entrypoint.entrypoint = std::vector<std::string>{};
  StatusOr<engine::RunOptions> none = ServiceRunOptions(empty_entrypoint, ReplicaOptions{"p", 1, {}, {}, ""});
  REQUIRE(none.ok());
  CHECK(*none->flags.entrypoint == "");
  CHECK(none->network == engine::NetworkMode::kNone);
}

TEST_CASE("compose run options: names on a network resolve to loopback") {
  ServiceRuns runs;
  runs["web"] = Service("web");
  runs["web"].networks[0].aliases = {"www"};
  runs["db"] = Service("db");
  runs["db"].replicas = 2;
  runs["elsewhere"] = Service("elsewhere", "p_other");
  CHECK(NetworkHostNames(runs, "p", "p_default") ==
        std::vector<std::string>{"db", "p-db-1", "p-db-2", "p-web-1", "web", "www"});
  CHECK(*ServiceNetworkName(runs["elsewhere"]) == "p_other");
  compose::ServiceRun two = Service("two");
  two.networks.push_back({"back", "p_back", {}});
  CHECK(ServiceNetworkName(two).status().code() == StatusCode::kUnimplemented);
}

TEST_CASE("compose run options: two services on one port of one network are refused") {
  ServiceRuns runs;
  runs["a"] = Service("a");
  runs["a"].ports.push_back({"127.0.0.1", 8080, 80, {}});
  runs["b"] = Service("b");
  runs["b"].ports.push_back({"127.0.0.1", 0, 80, {}});
  Status conflict = CheckPortConflicts(runs);
  REQUIRE(!conflict.ok());
  CHECK(conflict.message().find("services a and b both listen on port 80 of network p_default") != std::string::npos);
  runs["b"].networks[0].name = "p_other";
  CHECK(CheckPortConflicts(runs).ok());
  runs["b"].ports[0].published = 8080;
  CHECK(CheckPortConflicts(runs).message().find("both publish 127.0.0.1:8080") != std::string::npos);
  runs["b"].ports[0].published = 8081;
  CHECK(CheckPortConflicts(runs).ok());
  std::vector<engine::PublishedPort> ports = NetworkPorts(runs, "p_default");
  REQUIRE(ports.size() == 1);
  CHECK(engine::FormatPublishedPort(ports[0]) == "127.0.0.1:8080:80");
  runs["a"].replicas = 2;
  CHECK(CheckPortConflicts(runs).message().find("2 replicas") != std::string::npos);
}

}  // namespace
}  // namespace mybuild::cli

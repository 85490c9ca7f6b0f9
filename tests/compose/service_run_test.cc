#include "src/compose/service_run.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "src/base/temp_dir.h"
#include "src/compose/project_loader.h"

namespace mybuild::compose {
namespace {

namespace fs = std::filesystem;

struct Loaded {
  TempDir temp;
  StatusOr<Project> project;
};

Loaded Load(const std::string& yaml) {
  StatusOr<TempDir> temp = TempDir::Create({}, "compose-run-");
  REQUIRE(temp.ok());
  const fs::path dir = temp->path() / "app";
  fs::create_directories(dir);
  std::ofstream(dir / "compose.yaml") << yaml;
  std::ofstream(dir / "web.env") << "FROM_FILE=1\nSHARED=file\n";
  LoadOptions options;
  options.cwd = dir;
  StatusOr<Project> project = LoadProject(options);
  return Loaded{std::move(*temp), std::move(project)};
}

StatusOr<std::optional<std::string>> ReadReal(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::optional<std::string>();
  return std::optional<std::string>(std::string(std::istreambuf_iterator<char>(in), {}));
}

TEST_CASE("service run: the container keys of a service, typed") {
  Loaded loaded = Load(R"(
services:
  web:
    image: bb
    entrypoint: ["sh", "-c"]
    command: echo "two words"
    env_file: web.env
    environment: {SHARED: env, UNSET: null}
    working_dir: /srv
    user: "1000:50"
    hostname: front
    init: true
    read_only: true
    stop_signal: SIGINT
    stop_grace_period: 1m30s
    extra_hosts: ["gw=10.0.0.1", "other:10.0.0.2"]
    volumes:
      - ./html:/www:ro
      - data:/data
      - type: tmpfs
        target: /scratch
        tmpfs: {size: 64m}
    ports: ["127.0.0.1:8080:80", "9000"]
    healthcheck:
      test: nc -z 127.0.0.1 80
      interval: 500ms
      retries: 5
    deploy: {replicas: 1}
    networks:
      default:
        aliases: [www]
volumes:
  data:
)");
  REQUIRE_MESSAGE(loaded.project.ok(), loaded.project.status().ToString());
  StatusOr<ServiceRun> run = ServiceRunFromModel(*loaded.project, "web", ReadReal);
  REQUIRE_MESSAGE(run.ok(), run.status().ToString());
  CHECK(run->image == "bb");
  CHECK(*run->entrypoint == std::vector<std::string>{"sh", "-c"});
  CHECK(*run->command == std::vector<std::string>{"echo", "two words"});
  CHECK(run->environment == std::vector<std::string>{"FROM_FILE=1", "SHARED=env"});
  CHECK(run->working_dir == "/srv");
  CHECK(run->user == "1000:50");
  CHECK(run->hostname == "front");
  CHECK(run->init);
  CHECK(run->read_only);
  CHECK(run->stop_signal == "SIGINT");
  CHECK(run->stop_grace_seconds == 90);
  CHECK(run->extra_hosts == std::vector<std::string>{"gw:10.0.0.1", "other:10.0.0.2"});
  REQUIRE(run->volumes.size() == 3);
  CHECK(run->volumes[0].type == ServiceVolume::Type::kBind);
  CHECK(run->volumes[0].source == (loaded.temp.path() / "app" / "html").string());
  CHECK(run->volumes[0].read_only);
  CHECK(run->volumes[1].type == ServiceVolume::Type::kVolume);
  CHECK(run->volumes[1].source == "app_data");
  CHECK(run->volumes[2].type == ServiceVolume::Type::kTmpfs);
  CHECK(run->volumes[2].tmpfs_size == 64ull << 20);
  REQUIRE(run->ports.size() == 2);
  CHECK(run->ports[0].host_ip == "127.0.0.1");
  CHECK(run->ports[0].published == 8080);
  CHECK(run->ports[0].target == 80);
  CHECK(run->ports[1].published == 0);
  CHECK(run->ports[1].target == 9000);
  REQUIRE(run->healthcheck);
  CHECK(run->healthcheck->test == std::vector<std::string>{"CMD-SHELL", "nc -z 127.0.0.1 80"});
  CHECK(run->healthcheck->interval_ms == 500);
  CHECK(run->healthcheck->retries == 5);
  REQUIRE(run->networks.size() == 1);
  CHECK(run->networks[0].name == "app_default");
  CHECK(run->networks[0].aliases == std::vector<std::string>{"www"});
  CHECK(run->ContainerName("app", 2) == "app-web-2");
}

TEST_CASE("service run: errors name the key path") {
  auto error_of = [](const std::string& yaml) {
    Loaded loaded = Load(yaml);
    REQUIRE_MESSAGE(loaded.project.ok(), loaded.project.status().ToString());
    StatusOr<ServiceRun> run = ServiceRunFromModel(*loaded.project, "s", ReadReal);
    REQUIRE(!run.ok());
    return run.status().ToString();
  };
  CHECK(error_of("services:\n  s:\n    image: bb\n    volumes: [nope:/x]\n").find("services.s.volumes[0].source: service refers to undefined volume nope") != std::string::npos);
  CHECK(error_of("services:\n  s:\n    image: bb\n    volumes: [/anonymous]\n").find("anonymous volumes") != std::string::npos);
  CHECK(error_of("services:\n  s:\n    image: bb\n    stop_grace_period: 10 parsecs\n").find("services.s.stop_grace_period: expected a duration") != std::string::npos);
  CHECK(error_of("services:\n  s:\n    image: bb\n    network_mode: bridge\n").find("services.s.network_mode") != std::string::npos);
  CHECK(error_of("services:\n  s:\n    image: bb\n    ports: [\"8000-8001:80\"]\n").find("port ranges") != std::string::npos);
  CHECK(error_of("services:\n  s:\n    image: bb\n    env_file: missing.env\n").find("env file") != std::string::npos);
  CHECK(error_of("services:\n  s:\n    image: bb\n    container_name: one\n    scale: 2\n").find("container_name") != std::string::npos);
}

TEST_CASE("service run: durations") {
  CHECK(*ParseDurationMs("10s") == 10000);
  CHECK(*ParseDurationMs("1m30s") == 90000);
  CHECK(*ParseDurationMs("1.5s") == 1500);
  CHECK(*ParseDurationMs("250ms") == 250);
  CHECK(*ParseDurationMs("2h") == 7200000);
  CHECK(*ParseDurationMs("7") == 7000);
  CHECK(!ParseDurationMs("").ok());
  CHECK(!ParseDurationMs("5 minutes").ok());
}

TEST_CASE("service run: start order follows depends_on") {
  std::map<std::string, Service> services;
  services["web"].depends_on["api"];
  services["api"].depends_on["db"];
  services["db"];
  services["tool"];
  CHECK(StartOrder(services, {}) == std::vector<std::string>{"db", "tool", "api", "web"});  // by depth, then name
  CHECK(StartOrder(services, {"web"}) == std::vector<std::string>{"db", "api", "web"});
  CHECK(StartOrder(services, {"db"}) == std::vector<std::string>{"db"});
}

}  // namespace
}  // namespace mybuild::compose

#include "src/compose/build_plan.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "src/base/temp_dir.h"
#include "src/compose/project_loader.h"

namespace mybuild::compose {
namespace {

namespace fs = std::filesystem;

StatusOr<Project> Load(const fs::path& dir, const std::string& yaml) {
  std::ofstream(dir / "compose.yaml") << yaml;
  LoadOptions options;
  options.cwd = dir;
  return LoadProject(options);
}

TEST_CASE("build plan: order, tags, named contexts and overrides") {
  StatusOr<TempDir> temp = TempDir::Create({}, "compose-plan-");
  REQUIRE(temp.ok());
  const fs::path dir = temp->path() / "proj";
  fs::create_directories(dir / "assets");
  StatusOr<Project> project = Load(dir, R"(
services:
  app:
    image: reg/app:1
    build:
      context: .
      args: {A: "1", B: "2"}
      tags: [reg/app:latest]
      additional_contexts:
        base: service:base
        assets: ./assets
        alpine: docker-image://alpine:3.20
      cache_to: [type=inline]
      shm_size: 1g
  base:
    build: .
  db:
    image: db
)");
  REQUIRE_MESSAGE(project.ok(), project.status().ToString());
  BuildOverrides overrides;
  overrides.no_cache = true;
  overrides.build_args = {{"B", "flag"}};
  StatusOr<std::vector<ServiceBuild>> builds = PlanServiceBuilds(*project, {"app"}, overrides, "linux/amd64");
  REQUIRE_MESSAGE(builds.ok(), builds.status().ToString());
  REQUIRE(builds->size() == 2);
  CHECK((*builds)[0].service == "base");  // app uses base's image: base first
  CHECK((*builds)[0].tags == std::vector<std::string>{"proj-base"});
  const ServiceBuild& app = (*builds)[1];
  CHECK(app.tags == std::vector<std::string>{"reg/app:1", "reg/app:latest"});
  CHECK(app.dockerfile == (dir / "Dockerfile").string());
  CHECK(app.args.at("B") == "flag");
  CHECK(app.no_cache);
  CHECK(app.contexts.at("base").kind == NamedContext::Kind::kService);
  CHECK(app.contexts.at("assets").value == (dir / "assets").string());
  CHECK(app.contexts.at("alpine").value == "alpine:3.20");
  CHECK(app.uses == std::vector<std::string>{"base"});
  REQUIRE(app.warnings.size() == 1);
  CHECK(app.warnings[0].find("services.app.build.shm_size is not supported yet and is ignored (mybuild build has no --shm-size)") !=
        std::string::npos);
  REQUIRE(app.cache_to.size() == 1);  // kept for compose build, which checks the type (a warning for inline)
  CHECK(app.cache_to[0] == "type=inline");
  const nlohmann::ordered_json json = BuildPlanToJson(*builds);
  CHECK(json["edges"].dump() == R"([{"from":"base","to":"app","context":"base"}])");
}

TEST_CASE("build plan: errors") {
  StatusOr<TempDir> temp = TempDir::Create({}, "compose-plan-");
  REQUIRE(temp.ok());
  const fs::path dir = temp->path();
  StatusOr<Project> project = Load(dir, R"(
services:
  remote:
    build: https://github.com/example/app.git#main
  arm:
    build:
      context: .
      platforms: [linux/arm64]
  image_only:
    image: x
)");
  REQUIRE_MESSAGE(project.ok(), project.status().ToString());
  StatusOr<std::vector<ServiceBuild>> unknown = PlanServiceBuilds(*project, {"nope"}, {}, "linux/amd64");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.status().message() == "no such service: \"nope\"");
  StatusOr<std::vector<ServiceBuild>> remote = PlanServiceBuilds(*project, {"remote"}, {}, "linux/amd64");
  REQUIRE_FALSE(remote.ok());
  CHECK(remote.status().message().find("a remote context") != std::string::npos);
  StatusOr<std::vector<ServiceBuild>> arm = PlanServiceBuilds(*project, {"arm"}, {}, "linux/amd64");
  REQUIRE_FALSE(arm.ok());
  CAPTURE(arm.status().ToString());
  CHECK(arm.status().ToString().find("compose.yaml:7:7: services.arm.build.platforms: building for linux/arm64 is not supported") != std::string::npos);
  StatusOr<std::vector<ServiceBuild>> nothing = PlanServiceBuilds(*project, {"image_only"}, {}, "linux/amd64");
  REQUIRE(nothing.ok());
  CHECK(nothing->empty());
}

}  // namespace
}  // namespace mybuild::compose

namespace mybuild::compose {
namespace {

ServiceBuild Named(const std::string& service, const std::string& tag) {
  ServiceBuild build;
  build.service = service;
  build.tags = {tag};
  return build;
}

std::string Lower(const std::string& reference) { return reference.find(':') == std::string::npos ? reference + ":latest" : reference; }

TEST_CASE("build plan: FROM another service's image links and re-orders, a cycle is an error") {
  std::vector<ServiceBuild> builds = {Named("app", "app"), Named("lib", "lib:1")};
  REQUIRE(LinkServiceImages(builds, {{"app", {"lib:1", "busybox"}}, {"lib", {"busybox"}}}, Lower).ok());
  REQUIRE(builds.size() == 2);
  CHECK(builds[0].service == "lib");
  CHECK(builds[1].uses == std::vector<std::string>{"lib"});
  CHECK(builds[1].contexts.at("lib:1").value == "lib");

  std::vector<ServiceBuild> cycle = {Named("a", "a"), Named("b", "b")};
  Status status = LinkServiceImages(cycle, {{"a", {"b"}}, {"b", {"a"}}}, Lower);
  REQUIRE_FALSE(status.ok());
  CHECK(status.message().find("form a cycle") != std::string::npos);
}

}  // namespace
}  // namespace mybuild::compose

// compose build's secrets, ssh and caches: a service's declared ids are qualified in its own mounts
// (with the compose uid/gid/mode where the RUN does not set them), undeclared ones are left alone; a
// cache type mybuild has not is a warning naming the key, a bad value an error.
#include "src/cli/compose_build_inputs.h"

#include <doctest/doctest.h>

namespace mybuild::cli {
namespace {

TEST_CASE("compose build inputs: secret and ssh mounts of declared ids are qualified") {
  compose::ServiceBuild build;
  build.service = "web";
  build.secrets.push_back(compose::ServiceSecret{"token", "/tmp/t", "", 1000u, std::nullopt, 0440u});
  build.ssh = {"default"};
  graph::ExecOp exec;
  graph::Mount declared;
  declared.type = graph::MountType::kSecret;
  declared.secret_id = "token";
  declared.gid = 5;
  graph::Mount other = declared;
  other.secret_id = "other";
  graph::Mount ssh;
  ssh.type = graph::MountType::kSsh;
  exec.mounts = {declared, other, ssh};
  QualifySecretMounts(build, exec);
  CHECK(exec.mounts[0].secret_id == "web/token");
  CHECK(exec.mounts[0].uid == 1000u);
  CHECK(exec.mounts[0].gid == 5u);  // the RUN's own value wins
  CHECK(exec.mounts[0].mode == 0440u);
  CHECK(exec.mounts[1].secret_id == "other");
  CHECK(exec.mounts[2].secret_id == "web/default");
}

TEST_CASE("compose build inputs: cache types") {
  compose::ServiceBuild build;
  build.service = "web";
  build.cache_from = {"type=local,src=/tmp/c", "type=gha"};
  build.cache_to = {"type=local,dest=/tmp/c,mode=max", "type=s3,region=x"};
  std::vector<std::string> warnings;
  StatusOr<ServiceCaches> caches = ParseServiceCaches({build}, warnings);
  REQUIRE(caches.ok());
  CHECK(caches->from.size() == 1);
  REQUIRE(caches->to.at("web").size() == 1);
  CHECK(caches->to.at("web")[0].every_step);
  REQUIRE(warnings.size() == 2);
  CHECK(warnings[0].find("services.web.build.cache_from: \"type=gha\" is ignored") != std::string::npos);
  build.cache_to = {"type=local"};
  StatusOr<ServiceCaches> bad = ParseServiceCaches({build}, warnings);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().ToString().find("services.web.build.cache_to") != std::string::npos);
}

}  // namespace
}  // namespace mybuild::cli

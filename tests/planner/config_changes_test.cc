// commit --change: Dockerfile instructions applied to an existing config, with the Dockerfile's rules.
#include "src/planner/config_changes.h"

#include <doctest/doctest.h>

namespace mybuild::planner {
namespace {

using Strings = std::vector<std::string>;

TEST_CASE("config changes: CMD, ENV, LABEL, WORKDIR, USER, EXPOSE, VOLUME as in a Dockerfile") {
  ImageConfig config;
  config.env = {"PATH=/bin", "MODE=dev"};
  config.cmd = Strings{"old"};
  config.entrypoint = Strings{"ep"};
  config.history = {{"base", "", false}};
  REQUIRE(ApplyConfigChanges(config, {"CMD [\"serve\", \"--port\", \"80\"]", "ENV MODE=prod EXTRA=$MODE-x",
                                      "LABEL team=web", "WORKDIR /srv", "WORKDIR app", "USER 1000:1000",
                                      "EXPOSE 80 53/udp", "VOLUME /data"})
              .ok());
  CHECK(config.cmd == Strings{"serve", "--port", "80"});
  CHECK(config.entrypoint == Strings{"ep"});
  CHECK(config.env == Strings{"PATH=/bin", "MODE=prod", "EXTRA=dev-x"});
  CHECK(config.labels.at("team") == "web");
  CHECK(config.working_dir == "/srv/app");
  CHECK(config.user == "1000:1000");
  CHECK(config.exposed_ports == std::set<std::string>{"53/udp", "80/tcp"});
  CHECK(config.volumes == std::set<std::string>{"/data"});
  CHECK(config.history.size() == 1);  // changes add no history

  // ENTRYPOINT clears the Cmd unless a CMD came first; shell form wraps in /bin/sh -c.
  ImageConfig other;
  other.cmd = Strings{"old"};
  REQUIRE(ApplyConfigChanges(other, {"ENTRYPOINT run-it"}).ok());
  CHECK(other.entrypoint == Strings{"/bin/sh", "-c", "run-it"});
  CHECK_FALSE(other.cmd.has_value());
}

TEST_CASE("config changes: other instructions and malformed changes are errors naming the change") {
  ImageConfig config;
  Status run = ApplyConfigChanges(config, {"RUN echo hi"});
  CHECK(run.code() == StatusCode::kInvalidArgument);
  CHECK(run.message().find("--change \"RUN echo hi\": RUN cannot be changed") == 0);
  CHECK(ApplyConfigChanges(config, {"FROM busybox"}).code() == StatusCode::kInvalidArgument);
  CHECK(ApplyConfigChanges(config, {""}).code() == StatusCode::kInvalidArgument);
  CHECK(ApplyConfigChanges(config, {"EXPOSE notaport"}).code() == StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mybuild::planner

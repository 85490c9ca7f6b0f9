#include "src/engine/restart_policy.h"

#include <doctest/doctest.h>

namespace mybuild::engine {
namespace {

TEST_CASE("restart policy: parsing and decisions") {
  CHECK(ParseRestartPolicy("no")->kind == RestartPolicy::Kind::kNo);
  CHECK(ParseRestartPolicy("always")->kind == RestartPolicy::Kind::kAlways);
  CHECK(ParseRestartPolicy("unless-stopped")->kind == RestartPolicy::Kind::kUnlessStopped);
  StatusOr<RestartPolicy> three = ParseRestartPolicy("on-failure:3");
  REQUIRE(three.ok());
  CHECK(three->kind == RestartPolicy::Kind::kOnFailure);
  CHECK(three->max_retries == 3);
  CHECK(ParseRestartPolicy("on-failure")->max_retries == 0);
  CHECK(!ParseRestartPolicy("on-failure:").ok());
  CHECK(!ParseRestartPolicy("on-failure:x").ok());
  CHECK(!ParseRestartPolicy("sometimes").ok());

  CHECK(!ShouldRestart(*ParseRestartPolicy("no"), 1, 0, false));
  CHECK(ShouldRestart(*ParseRestartPolicy("always"), 0, 100, false));
  CHECK(!ShouldRestart(*ParseRestartPolicy("always"), 0, 0, true));  // stopped by a command
  CHECK(ShouldRestart(*three, 1, 2, false));
  CHECK(!ShouldRestart(*three, 1, 3, false));
  CHECK(!ShouldRestart(*three, 0, 0, false));
  CHECK(ShouldRestart(*ParseRestartPolicy("on-failure"), 137, 1000, false));
  CHECK(RestartDelayMs(0) == 100);
  CHECK(RestartDelayMs(3) == 800);
  CHECK(RestartDelayMs(20) == 10000);
}

}  // namespace
}  // namespace mybuild::engine

#include "src/engine/monitor_relay.h"

#include <doctest/doctest.h>

namespace mybuild::engine {
namespace {

TEST_CASE("monitor relay: the handoff to mybuild-monitor round-trips through its arguments") {
  RelayHandoff handoff;
  handoff.id = std::string(64, 'a');
  handoff.pidfd = 5;
  handoff.out_fd = 7;
  handoff.err_fd = -1;
  handoff.lock_fd = 4;
  handoff.ready_fd = 3;
  handoff.dir = "/root dir/containers/" + handoff.id;
  handoff.pid = 4242;
  handoff.started_at = "2026-12-07T12:00:00.000000001Z";
  handoff.root = "/root dir";
  handoff.mountpoint = "/root dir/tmp/build-1/ctr-aaaaaaaaaaaa";
  handoff.remove = true;
  handoff.mybuild = "/usr/bin/mybuild";
  std::vector<std::string> args = HandoffArgs(handoff);
  CHECK(args[0] == "mybuild-monitor");
  CHECK(args[1] == "container-monitor");
  CHECK(args[2] == handoff.id);
  StatusOr<RelayHandoff> parsed = ParseHandoffArgs(args);
  REQUIRE(parsed.ok());
  CHECK(parsed->id == handoff.id);
  CHECK(parsed->pidfd == 5);
  CHECK(parsed->out_fd == 7);
  CHECK(parsed->err_fd == -1);
  CHECK(parsed->lock_fd == 4);
  CHECK(parsed->ready_fd == 3);
  CHECK(parsed->dir == handoff.dir);
  CHECK(parsed->pid == 4242);
  CHECK(parsed->started_at == handoff.started_at);
  CHECK(parsed->root == handoff.root);
  CHECK(parsed->mountpoint == handoff.mountpoint);
  CHECK(parsed->remove);
  CHECK(parsed->mybuild == handoff.mybuild);
}

TEST_CASE("monitor relay: malformed arguments are refused") {
  CHECK(ParseHandoffArgs({"mybuild-monitor"}).status().code() == StatusCode::kInvalidArgument);
  std::vector<std::string> args = HandoffArgs(RelayHandoff{});
  args[4] = "x";  // --pidfd's value
  CHECK(ParseHandoffArgs(args).status().code() == StatusCode::kInvalidArgument);
  args = HandoffArgs(RelayHandoff{});
  args[3] = "--bogus";
  CHECK(ParseHandoffArgs(args).status().code() == StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mybuild::engine

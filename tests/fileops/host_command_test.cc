#include <doctest/doctest.h>

#include "src/fileops/host_command.h"

namespace mybuild::fileops {
namespace {

TEST_CASE("host commands: argv without a shell, the given environment only, both streams captured") {
  HostCommand command;
  command.argv = {"sh", "-c", "echo \"$ONLY\" $1; echo err >&2; exit 3", "sh", "$(touch /nonexistent)"};
  command.env = {"ONLY=given", "PATH=/usr/bin:/bin"};
  auto r = RunHostCommand(command);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  CHECK(r->exit_code == 3);
  CHECK(r->out == "given $(touch /nonexistent)\n");
  CHECK(r->err == "err\n");
}

TEST_CASE("host commands: a missing program is kNotFound, a slow one is killed after the timeout") {
  HostCommand missing;
  missing.argv = {"mybuild-no-such-program"};
  missing.env = {"PATH=/usr/bin:/bin"};
  auto m = RunHostCommand(missing);
  REQUIRE_FALSE(m.ok());
  CHECK(m.status().code() == StatusCode::kNotFound);

  HostCommand slow;
  slow.argv = {"sh", "-c", "sleep 30 & sleep 30"};
  slow.env = {"PATH=/usr/bin:/bin"};
  slow.timeout = std::chrono::seconds(1);
  auto start = std::chrono::steady_clock::now();
  auto s = RunHostCommand(slow);
  REQUIRE_FALSE(s.ok());
  CHECK(s.status().code() == StatusCode::kUnavailable);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
}

}  // namespace
}  // namespace mybuild::fileops

#include "src/engine/container_top.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>

namespace mybuild::engine {
namespace {

TEST_CASE("container top: /proc stat lines, a command name with spaces and parentheses included") {
  StatusOr<ProcessInfo> info = ParseProcStat(
      "4242 (we (ird) name) S 17 4242 4242 34817 4242 4194560 100 0 0 0 250 50 0 0 20 0 1 0 123456 1000 200 "
      "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n");
  REQUIRE(info.ok());
  CHECK(info->pid == 4242);
  CHECK(info->ppid == 17);
  CHECK(info->tty_nr == 34817);
  CHECK(info->cpu_ticks == 300);
  CHECK(info->start_ticks == 123456);
  CHECK(info->command == "[we (ird) name]");
  CHECK(!ParseProcStat("garbage").ok());
  CHECK(!ParseProcStat("12 (x) S 1 2").ok());
}

TEST_CASE("container top: docker top's columns") {
  ProcessInfo sh{7, 1, 0, 34817, 300, 1000, "sh -c sleep 100"};
  ProcessInfo other{9, 7, 1000, 0, 0, 2000, "[sleep]"};
  auto rows = TopRows({sh, other}, {{0, "root"}}, 1'000'000, 100, 1'000'000 + 20 + 3600);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0] == std::vector<std::string>{"UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"});
  CHECK(rows[1] == std::vector<std::string>{"root", "7", "1", "0", "13:46", "pts/1", "00:00:03", "sh -c sleep 100"});
  CHECK(rows[2][0] == "1000");
  CHECK(rows[2][5] == "?");
}

TEST_CASE("container top: the members of a PID namespace, this process among them") {
  StatusOr<std::vector<ProcessInfo>> processes = NamespaceProcesses("/proc", getpid());
  REQUIRE(processes.ok());
  auto self = std::find_if(processes->begin(), processes->end(), [](const ProcessInfo& p) { return p.pid == getpid(); });
  REQUIRE(self != processes->end());
  CHECK(self->ppid == getppid());
  CHECK(self->command.find("engine_tests") != std::string::npos);
  CHECK(!NamespaceProcesses("/proc", 0).ok());
}

}  // namespace
}  // namespace mybuild::engine

// `top CONTAINER` (docker top): the processes of a running container, found in /proc as the members
// of its PID 1's PID namespace (the container's PID 1, its children, and the processes `exec` started),
// shown as docker shows `ps -ef`: UID PID PPID C STIME TTY TIME CMD, PIDs as the host sees them.
#ifndef MYBUILD_ENGINE_CONTAINER_TOP_H_
#define MYBUILD_ENGINE_CONTAINER_TOP_H_

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "src/base/status.h"

namespace mybuild::engine {

struct ProcessInfo {
  int pid = 0;
  int ppid = 0;
  uint32_t uid = 0;
  int tty_nr = 0;              // the controlling terminal's device number, 0 for none
  uint64_t cpu_ticks = 0;      // utime + stime, in clock ticks
  uint64_t start_ticks = 0;    // since boot, in clock ticks
  std::string command;         // the command line, arguments joined with spaces ("[comm]" when empty)
};

// The fields of /proc/PID/stat (`comm` may hold spaces and parentheses: the last ')' ends it).
StatusOr<ProcessInfo> ParseProcStat(std::string_view stat);

// The processes in the PID namespace of `pid1` (a container's PID 1, pinned by the caller), read from
// `proc` (/proc), sorted by PID. Processes that exit while it reads are left out.
StatusOr<std::vector<ProcessInfo>> NamespaceProcesses(const std::filesystem::path& proc, int pid1);

// docker top's table, header first. `user_name` maps a uid to the name shown (the uid itself when
// unknown); `boot_seconds` the boot time (epoch), `ticks_per_second` the clock tick rate, `now_seconds`
// for the C column (CPU use in percent of the process's lifetime) and STIME (HH:MM, UTC).
std::vector<std::vector<std::string>> TopRows(const std::vector<ProcessInfo>& processes,
                                              const std::vector<std::pair<uint32_t, std::string>>& user_names,
                                              int64_t boot_seconds, int64_t ticks_per_second, int64_t now_seconds);

}  // namespace mybuild::engine

#endif  // MYBUILD_ENGINE_CONTAINER_TOP_H_

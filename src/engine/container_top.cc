#include "src/engine/container_top.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "src/base/files.h"

namespace mybuild::engine {
namespace {

// A /proc file of a process, "" when it is gone (or unreadable).
std::string ReadSmallFile(const std::filesystem::path& path) {
  StatusOr<std::string> text = ReadFile(path, 1 << 20);
  return text.ok() ? std::move(*text) : std::string();
}

bool ParseNumber(const std::string& text, uint64_t& out) {
  if (text.empty() || text.size() > 20) return false;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  out = value;
  return true;
}

// The real uid from /proc/PID/status ("Uid:\treal\teffective\t…").
uint32_t RealUid(const std::string& status) {
  const size_t at = status.find("\nUid:");
  if (at == std::string::npos) return 0;
  std::istringstream fields(status.substr(at + 5));
  uint64_t uid = 0;
  fields >> uid;
  return static_cast<uint32_t>(uid);
}

std::string TtyName(int tty_nr) {
  if (tty_nr == 0) return "?";
  const unsigned major_number = major(static_cast<dev_t>(tty_nr));
  const unsigned minor_number = minor(static_cast<dev_t>(tty_nr));
  if (major_number >= 136 && major_number <= 143) return "pts/" + std::to_string((major_number - 136) * 256 + minor_number);
  if (major_number == 4) return "tty" + std::to_string(minor_number);
  return "?";
}

std::string Clock(int64_t seconds, bool with_hours_always) {
  char text[32];
  const int64_t h = seconds / 3600, m = (seconds / 60) % 60, s = seconds % 60;
  if (with_hours_always) {
    std::snprintf(text, sizeof text, "%02lld:%02lld:%02lld", static_cast<long long>(h), static_cast<long long>(m),
                  static_cast<long long>(s));
  } else {
    std::snprintf(text, sizeof text, "%02lld:%02lld", static_cast<long long>(h % 24), static_cast<long long>(m));
  }
  return text;
}

}  // namespace

StatusOr<ProcessInfo> ParseProcStat(std::string_view stat) {
  const size_t open = stat.find('(');
  const size_t close = stat.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
    return InvalidArgument("malformed /proc stat line");
  }
  ProcessInfo info;
  uint64_t pid = 0;
  if (!ParseNumber(std::string(stat.substr(0, open > 0 ? open - 1 : 0)), pid)) return InvalidArgument("malformed /proc stat pid");
  info.pid = static_cast<int>(pid);
  const std::string comm(stat.substr(open + 1, close - open - 1));
  std::istringstream rest{std::string(stat.substr(close + 1))};
  std::vector<std::string> fields;
  for (std::string field; rest >> field;) fields.push_back(field);
  if (fields.size() < 20) return InvalidArgument("malformed /proc stat line: too few fields");
  uint64_t ppid = 0, tty = 0, utime = 0, stime = 0, start = 0;
  if (!ParseNumber(fields[1], ppid) || !ParseNumber(fields[4], tty) || !ParseNumber(fields[11], utime) ||
      !ParseNumber(fields[12], stime) || !ParseNumber(fields[19], start)) {
    return InvalidArgument("malformed /proc stat line: a field is not a number");
  }
  info.ppid = static_cast<int>(ppid);
  info.tty_nr = static_cast<int>(tty);
  info.cpu_ticks = utime + stime;
  info.start_ticks = start;
  info.command = "[" + comm + "]";
  return info;
}

StatusOr<std::vector<ProcessInfo>> NamespaceProcesses(const std::filesystem::path& proc, int pid1) {
  struct stat ns {};
  const std::filesystem::path pid1_ns = proc / std::to_string(pid1) / "ns" / "pid";
  if (::stat(pid1_ns.c_str(), &ns) != 0) return ErrnoError("stat " + pid1_ns.string());
  std::vector<ProcessInfo> out;
  std::error_code error;
  for (const std::filesystem::directory_entry& entry : std::filesystem::directory_iterator(proc, error)) {
    uint64_t pid = 0;
    if (!ParseNumber(entry.path().filename().string(), pid)) continue;
    struct stat member {};
    if (::stat((entry.path() / "ns" / "pid").c_str(), &member) != 0) continue;  // gone, or not ours to see
    if (member.st_ino != ns.st_ino || member.st_dev != ns.st_dev) continue;
    StatusOr<ProcessInfo> info = ParseProcStat(ReadSmallFile(entry.path() / "stat"));
    if (!info.ok()) continue;  // exited meanwhile
    info->uid = RealUid(ReadSmallFile(entry.path() / "status"));
    std::string cmdline = ReadSmallFile(entry.path() / "cmdline");
    while (!cmdline.empty() && cmdline.back() == '\0') cmdline.pop_back();
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    if (!cmdline.empty()) info->command = cmdline;
    out.push_back(std::move(*info));
  }
  if (error) return ErrnoError("list " + proc.string(), error.value());
  std::sort(out.begin(), out.end(), [](const ProcessInfo& a, const ProcessInfo& b) { return a.pid < b.pid; });
  return out;
}

std::vector<std::vector<std::string>> TopRows(const std::vector<ProcessInfo>& processes,
                                              const std::vector<std::pair<uint32_t, std::string>>& user_names,
                                              int64_t boot_seconds, int64_t ticks_per_second, int64_t now_seconds) {
  std::vector<std::vector<std::string>> rows = {{"UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"}};
  const int64_t ticks = std::max<int64_t>(ticks_per_second, 1);
  for (const ProcessInfo& process : processes) {
    std::string user = std::to_string(process.uid);
    for (const auto& [uid, name] : user_names) {
      if (uid == process.uid) {
        user = name;
        break;
      }
    }
    const int64_t started = boot_seconds + static_cast<int64_t>(process.start_ticks) / ticks;
    const int64_t lifetime = std::max<int64_t>(now_seconds - started, 1);
    const int64_t cpu_seconds = static_cast<int64_t>(process.cpu_ticks) / ticks;
    rows.push_back({user, std::to_string(process.pid), std::to_string(process.ppid),
                    std::to_string(std::min<int64_t>(cpu_seconds * 100 / lifetime, 99)), Clock(started % 86400, false),
                    TtyName(process.tty_nr), Clock(cpu_seconds, true), process.command});
  }
  return rows;
}

}  // namespace mybuild::engine

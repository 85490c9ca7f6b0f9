#include "src/executor/resources.h"

#include <sys/resource.h>

#include <charconv>
#include <utility>

#include "src/base/byte_size.h"
#include "src/base/slash_path.h"

namespace mybuild::executor {
namespace {

struct UlimitName {
  const char* name;
  int resource;
};

// docker's table (go-units ulimit.go), in its order.
constexpr UlimitName kUlimitNames[] = {
    {"core", RLIMIT_CORE},         {"cpu", RLIMIT_CPU},         {"data", RLIMIT_DATA},
    {"fsize", RLIMIT_FSIZE},       {"locks", RLIMIT_LOCKS},     {"memlock", RLIMIT_MEMLOCK},
    {"msgqueue", RLIMIT_MSGQUEUE}, {"nice", RLIMIT_NICE},       {"nofile", RLIMIT_NOFILE},
    {"nproc", RLIMIT_NPROC},       {"rss", RLIMIT_RSS},         {"rtprio", RLIMIT_RTPRIO},
    {"rttime", RLIMIT_RTTIME},     {"sigpending", RLIMIT_SIGPENDING}, {"stack", RLIMIT_STACK},
};

std::string NameList() {
  std::string names;
  for (const UlimitName& entry : kUlimitNames) {
    if (!names.empty()) names += ", ";
    names += entry.name;
  }
  return names;
}

Status BadFlag(std::string_view flag, std::string_view value, const std::string& why) {
  return InvalidArgument("invalid argument \"" + std::string(value) + "\" for \"" + std::string(flag) + "\" flag: " + why);
}

// A limit: a non-negative integer, or -1 for unlimited.
bool ParseLimit(std::string_view text, uint64_t& out) {
  if (text == "-1") {
    out = kUnlimited;
    return true;
  }
  if (text.empty() || text.front() == '+' || text.front() == '-') return false;
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return false;
  out = static_cast<uint64_t>(value);
  return true;
}

StatusOr<std::string> ParseCgroupParent(const std::string& text) {
  const char* flag = "--cgroup-parent";
  if (text.find(':') != std::string::npos) {
    return BadFlag(flag, text, "the systemd form SLICE:PREFIX:NAME is not supported; expected a path below the "
                               "cgroup v2 root such as \"ci/builds\"");
  }
  const std::string slashed = "/" + text + "/";
  if (slashed.find("/../") != std::string::npos || text.find('\0') != std::string::npos) {
    return BadFlag(flag, text, "expected a path below the cgroup v2 root without \"..\"");
  }
  std::string clean = CleanSlashPath(slashed);  // "/ci//builds/" -> "/ci/builds"
  clean.erase(0, 1);
  if (clean.empty()) return BadFlag(flag, text, "expected a path below the cgroup v2 root such as \"ci/builds\"");
  return clean;
}

}  // namespace

StatusOr<Ulimit> ParseUlimit(std::string_view text) {
  const char* flag = "--ulimit";
  const std::string expected = "expected NAME=SOFT[:HARD] with NAME one of " + NameList() +
                               " and SOFT, HARD integers (-1 for unlimited)";
  const size_t equals = text.find('=');
  if (equals == std::string_view::npos) return BadFlag(flag, text, expected);
  const std::string_view name = text.substr(0, equals);
  const std::string_view limits = text.substr(equals + 1);
  Ulimit ulimit;
  for (const UlimitName& entry : kUlimitNames) {
    if (name == entry.name) {
      ulimit.name = entry.name;
      ulimit.resource = entry.resource;
    }
  }
  if (ulimit.name.empty()) {
    return BadFlag(flag, text, "unknown ulimit \"" + std::string(name) + "\": " + expected);
  }
  const size_t colon = limits.find(':');
  const std::string_view soft = limits.substr(0, colon);
  const std::string_view hard = colon == std::string_view::npos ? soft : limits.substr(colon + 1);
  if (!ParseLimit(soft, ulimit.soft) || !ParseLimit(hard, ulimit.hard)) return BadFlag(flag, text, expected);
  if (ulimit.soft > ulimit.hard) {
    return BadFlag(flag, text, "the soft limit " + std::string(soft) + " is above the hard limit " +
                                   std::string(hard) + " (expected SOFT <= HARD)");
  }
  return ulimit;
}

StatusOr<Resources> ParseResourceFlags(const ResourceFlags& flags) {
  Resources resources;
  for (const std::string& text : flags.ulimits) {
    MB_ASSIGN_OR_RETURN(Ulimit ulimit, ParseUlimit(text));
    bool replaced = false;
    for (Ulimit& existing : resources.ulimits) {  // a later --ulimit of the same name wins, as in docker
      if (existing.resource == ulimit.resource) {
        existing = ulimit;
        replaced = true;
      }
    }
    if (!replaced) resources.ulimits.push_back(std::move(ulimit));
  }
  if (!flags.shm_size.empty()) {
    const std::optional<uint64_t> bytes = ParseRamBytes(flags.shm_size);
    if (!bytes || *bytes == 0) {
      return BadFlag("--shm-size", flags.shm_size, "expected a size above 0 such as 64m, 1g or 67108864 (bytes)");
    }
    resources.shm_size_bytes = *bytes;
  }
  if (!flags.cgroup_parent.empty()) {
    MB_ASSIGN_OR_RETURN(resources.cgroup_parent, ParseCgroupParent(flags.cgroup_parent));
  }
  if (!flags.pids_limit.empty()) {
    uint64_t limit = 0;
    if (!ParseLimit(flags.pids_limit, limit)) {
      return BadFlag("--pids-limit", flags.pids_limit, "expected a number of processes (0 or -1 for unlimited)");
    }
    resources.pids_limit = limit == kUnlimited ? 0 : static_cast<int64_t>(limit);
  }
  if (!flags.memory.empty()) {
    const std::optional<uint64_t> bytes = ParseRamBytes(flags.memory);
    if (!bytes) return BadFlag("--memory", flags.memory, "expected a size such as 512m or 2g");
    if (*bytes != 0 && *bytes < (6u << 20)) {
      return BadFlag("--memory", flags.memory, "the minimum memory limit is 6m (as docker's)");
    }
    resources.memory_bytes = static_cast<int64_t>(*bytes);
  }
  return resources;
}

}  // namespace mybuild::executor

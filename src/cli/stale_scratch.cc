#include "src/cli/stale_scratch.h"

#include <signal.h>
#include <sys/mount.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <system_error>

#include "src/base/files.h"
#include "src/base/logging.h"

namespace mybuild::cli {
namespace {

constexpr char kPrefix[] = "build-";

std::string DecodeOctalEscapes(const std::string& field) {
  std::string out;
  for (size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size() &&
        std::all_of(field.begin() + i + 1, field.begin() + i + 4, [](char c) { return c >= '0' && c <= '7'; })) {
      out.push_back(static_cast<char>(std::strtol(field.substr(i + 1, 3).c_str(), nullptr, 8)));
      i += 3;
    } else {
      out.push_back(field[i]);
    }
  }
  return out;
}

bool IsAtOrBelow(const std::string& path, const std::string& dir) {
  return path == dir || (path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 && path[dir.size()] == '/');
}

// Mount points at or below `dir`, deepest first. An unreadable mountinfo is an error, never "nothing
// mounted": the caller would then remove files through a mount that is still there.
StatusOr<std::vector<std::string>> MountsBelow(const std::string& dir) {
  MB_ASSIGN_OR_RETURN(std::string mountinfo, ReadFile("/proc/self/mountinfo", 64 << 20));
  std::vector<std::string> out;
  for (std::string& point : MountPoints(mountinfo)) {
    if (IsAtOrBelow(point, dir)) out.push_back(std::move(point));
  }
  std::sort(out.begin(), out.end(), [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  return out;
}

}  // namespace

std::vector<std::string> MountPoints(const std::string& mountinfo) {
  std::vector<std::string> out;
  std::istringstream lines(mountinfo);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string id, parent, device, root, mount_point;
    if (fields >> id >> parent >> device >> root >> mount_point) out.push_back(DecodeOctalEscapes(mount_point));
  }
  return out;
}

int RemoveStaleScratch(const std::filesystem::path& tmp_dir, std::vector<std::filesystem::path>* removed_dirs) {
  std::error_code error;
  std::filesystem::directory_iterator it(tmp_dir, error);
  if (error) return 0;
  int removed = 0;
  for (const std::filesystem::directory_entry& entry : it) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(kPrefix, 0) != 0) continue;
    const std::string digits = name.substr(sizeof(kPrefix) - 1);
    if (digits.empty() || !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      continue;
    }
    const long pid = std::strtol(digits.c_str(), nullptr, 10);
    if (pid <= 0 || ::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;  // alive, or unknown
    const std::string dir = entry.path().string();
    StatusOr<std::vector<std::string>> mounted = MountsBelow(dir);
    for (const std::string& point : mounted.ok() ? *mounted : std::vector<std::string>()) {
      if (::umount2(point.c_str(), MNT_DETACH) != 0) spdlog::warn("unmounting stale {}: {}", point, std::strerror(errno));
    }
    if (mounted.ok()) mounted = MountsBelow(dir);
    if (!mounted.ok()) {
      spdlog::warn("leaving {}: cannot tell what is mounted below it: {}", dir, mounted.status().ToString());
      continue;
    }
    if (!mounted->empty()) {
      spdlog::warn("leaving {}: something is still mounted below it", dir);
      continue;
    }
    std::filesystem::remove_all(entry.path(), error);
    if (error) {
      spdlog::warn("removing stale {}: {}", dir, error.message());
      continue;
    }
    ++removed;
    if (removed_dirs != nullptr) removed_dirs->push_back(entry.path());
  }
  return removed;
}

}  // namespace mybuild::cli

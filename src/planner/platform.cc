#include "src/planner/platform.h"

#include <sys/utsname.h>

#include <algorithm>
#include <cctype>
#include <vector>

#include "src/frontend/text_util.h"

namespace mybuild::planner {
namespace {

bool IsKnownOs(const std::string& os) {
  static const char* const kOs[] = {"linux", "windows", "darwin", "freebsd", "netbsd", "openbsd",
                                    "solaris", "illumos", "aix", "android", "dragonfly", "plan9", "js",
                                    "wasip1", "ios"};
  for (const char* k : kOs) {
    if (os == k) return true;
  }
  return false;
}

// Normalises architecture and variant in place (containerd's normalizeArch).
void NormalizeArch(std::string& arch, std::string& variant) {
  arch = frontend::AsciiLower(arch);
  variant = frontend::AsciiLower(variant);
  if (arch == "i386" || arch == "i686") {
    arch = "386";
    variant.clear();
  } else if (arch == "x86_64" || arch == "x86-64" || arch == "amd64") {
    arch = "amd64";
    if (variant == "v1") variant.clear();
  } else if (arch == "aarch64" || arch == "arm64") {
    arch = "arm64";
    if (variant == "8" || variant == "v8" || variant == "v8.0") variant.clear();
  } else if (arch == "armhf") {
    arch = "arm";
    variant = "v7";
  } else if (arch == "armel") {
    arch = "arm";
    variant = "v6";
  } else if (arch == "arm") {
    if (variant.empty() || variant == "7") variant = "v7";
    else if (variant == "5" || variant == "6" || variant == "8") variant = "v" + variant;
  } else if (arch == "armv7l" || arch == "armv7") {
    arch = "arm";
    variant = "v7";
  } else if (arch == "armv6l" || arch == "armv6") {
    arch = "arm";
    variant = "v6";
  }
}

bool ValidComponent(const std::string& s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_' || c == '-' || c == '.';
  });
}

}  // namespace

std::string Platform::ToString() const {
  std::string out = os + "/" + architecture;
  if (!variant.empty()) out += "/" + variant;
  return out;
}

StatusOr<Platform> ParsePlatform(std::string_view specifier) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t slash = specifier.find('/', start);
    parts.emplace_back(specifier.substr(start, slash == std::string_view::npos ? std::string_view::npos
                                                                                : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  auto bad = [&](const std::string& why) {
    return InvalidArgument("invalid platform \"" + std::string(specifier) + "\": " + why +
                           " (expected os/arch[/variant], e.g. linux/amd64 or linux/arm/v7)");
  };
  if (parts.size() > 3) return bad("too many components");
  for (const std::string& p : parts) {
    if (!ValidComponent(p)) return bad("empty or invalid component \"" + p + "\"");
  }
  Platform platform;
  const Platform host = HostPlatform();
  if (parts.size() == 1) {
    std::string word = frontend::AsciiLower(parts[0]);
    if (IsKnownOs(word)) {
      platform.os = word;
      platform.architecture = host.architecture;
      platform.variant = host.variant;
      return platform;
    }
    platform.os = "linux";
    platform.architecture = word;
  } else {
    platform.os = frontend::AsciiLower(parts[0]);
    if (!IsKnownOs(platform.os)) return bad("unknown operating system \"" + parts[0] + "\"");
    platform.architecture = parts[1];
    if (parts.size() == 3) platform.variant = parts[2];
  }
  NormalizeArch(platform.architecture, platform.variant);
  return platform;
}

Platform HostPlatform() {
  Platform platform;
  struct utsname u {};
  std::string machine = "x86_64";
  if (uname(&u) == 0) machine = u.machine;
  platform.architecture = machine;
  NormalizeArch(platform.architecture, platform.variant);
  return platform;
}

}  // namespace mybuild::planner

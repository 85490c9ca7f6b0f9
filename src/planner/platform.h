// An OCI platform (os/architecture/variant) with the normalisation of containerd's `platforms`
// package: "aarch64" → arm64, "x86_64" → amd64, "arm64/v8" → arm64, "arm" → arm/v7.
#ifndef MYBUILD_PLANNER_PLATFORM_H_
#define MYBUILD_PLANNER_PLATFORM_H_

#include <string>
#include <string_view>

#include "src/base/status.h"

namespace mybuild::planner {

struct Platform {
  std::string os = "linux";
  std::string architecture;
  std::string variant;

  // "os/arch" or "os/arch/variant".
  std::string ToString() const;
  bool operator==(const Platform&) const = default;
};

// Parses "os[/arch[/variant]]" or a bare architecture ("arm64" → linux/arm64), normalised. Errors name
// the specifier and say what was expected.
StatusOr<Platform> ParsePlatform(std::string_view specifier);

// The platform of this machine (uname), normalised.
Platform HostPlatform();

}  // namespace mybuild::planner

#endif  // MYBUILD_PLANNER_PLATFORM_H_

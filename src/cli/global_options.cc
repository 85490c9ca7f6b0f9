#include "src/cli/global_options.h"

#include <unistd.h>

#include <cstdlib>

namespace mybuild::cli {

std::filesystem::path ResolveRoot(const GlobalOptions& options) {
  if (!options.root.empty()) return options.root;
  if (const char* env = std::getenv("MYBUILD_ROOT"); env && *env) return env;
  if (::geteuid() == 0) return "/var/lib/mybuild";
  if (const char* data = std::getenv("XDG_DATA_HOME"); data && *data) {
    return std::filesystem::path(data) / "mybuild";
  }
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home ? home : "/tmp") / ".local/share/mybuild";
}

}  // namespace mybuild::cli

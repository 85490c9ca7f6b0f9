#include "src/cli/global_options.h"

#include <cstdlib>

#include "src/rootless/user_namespace.h"

namespace mybuild::cli {

std::filesystem::path ResolveRoot(const GlobalOptions& options) {
  if (!options.root.empty()) return options.root;
  if (const char* env = std::getenv("MYBUILD_ROOT"); env && *env) return env;
  return rootless::DefaultStateRoot();
}

}  // namespace mybuild::cli

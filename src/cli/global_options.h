// Options shared by every subcommand.
#ifndef MYBUILD_CLI_GLOBAL_OPTIONS_H_
#define MYBUILD_CLI_GLOBAL_OPTIONS_H_

#include <filesystem>
#include <string>

namespace mybuild::cli {

struct GlobalOptions {
  std::string log_level = "warn";
  std::filesystem::path root;  // --root, else $MYBUILD_ROOT, else rootless::DefaultStateRoot()
};

// The state directory chosen by --root, MYBUILD_ROOT or the default.
std::filesystem::path ResolveRoot(const GlobalOptions& options);

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_GLOBAL_OPTIONS_H_

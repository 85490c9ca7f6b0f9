#include <iostream>

#include "src/cli/build_command.h"
#include "src/cli/exit_codes.h"

namespace mybuild::cli {

int RunBuild(const GlobalOptions& global, const BuildOptions& options) {
  std::cerr << "error: build is being wired\n";
  return kExitFailure;
}

}  // namespace mybuild::cli

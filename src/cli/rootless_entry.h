// Where main() makes an ordinary user's mybuild rootless (src/rootless/user_namespace.h), while the process
// has one thread: before the interrupt watcher starts.
#ifndef MYBUILD_CLI_ROOTLESS_ENTRY_H_
#define MYBUILD_CLI_ROOTLESS_ENTRY_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace mybuild::cli {

// An ordinary user's mybuild enters its user namespace here, while it has one thread (user_namespace.h).
// Commands that touch no state (help, version, parse) and `doctor` (which probes the host as the user
// is) stay outside. Returns an exit code when the namespace cannot be made.
// `args` are the words after the program name, `first_command` the index of the first word after the
// global options (nullopt: --help or --version decide).
std::optional<int> EnterRootless(const std::vector<std::string>& args, std::optional<size_t> first_command);

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_ROOTLESS_ENTRY_H_

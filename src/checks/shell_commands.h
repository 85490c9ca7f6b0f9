// A rough reading of a RUN's shell text for the rules: the simple commands it chains (split at &&, ||,
// ;, |, & and line ends), each as its words with leading VAR=value assignments and `sudo` dropped.
// Quotes are removed but not interpreted; this is for recognising `apt-get install`, not for running.
#ifndef MYBUILD_CHECKS_SHELL_COMMANDS_H_
#define MYBUILD_CHECKS_SHELL_COMMANDS_H_

#include <string>
#include <string_view>
#include <vector>

#include "src/frontend/ast.h"

namespace mybuild::checks {

using SimpleCommand = std::vector<std::string>;

std::vector<SimpleCommand> SplitCommands(std::string_view script);

// The commands a RUN runs: its shell text (or JSON argv) and the bodies of its heredocs.
std::vector<SimpleCommand> RunCommands(const frontend::Instruction& run);

// `words` starts with `program` (a path's last part counts: /usr/bin/apt-get) then `subcommand`
// ("" = any) as the first word that is not an option.
bool IsInvocation(const SimpleCommand& words, std::string_view program, std::string_view subcommand);

}  // namespace mybuild::checks

#endif  // MYBUILD_CHECKS_SHELL_COMMANDS_H_

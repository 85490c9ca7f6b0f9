// Running a host program (the host's git) without a shell: argv and environment given exactly, stdin
// from /dev/null, stdout and stderr captured (bounded), its whole process group killed after a timeout.
#ifndef MYBUILD_FILEOPS_HOST_COMMAND_H_
#define MYBUILD_FILEOPS_HOST_COMMAND_H_

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "src/base/status.h"

namespace mybuild::fileops {

struct HostCommand {
  std::vector<std::string> argv;  // argv[0] is searched in $PATH of *this* process
  std::vector<std::string> env;   // "NAME=value", the child's whole environment
  std::chrono::seconds timeout{600};
  size_t max_output = 1 << 20;    // per stream; more is dropped (the tail of stderr is what errors show)
};

struct HostCommandResult {
  int exit_code = 0;  // 128 + signal when killed by one
  std::string out;
  std::string err;
};

// kNotFound when argv[0] cannot be run; kUnavailable (naming the program) after the timeout. A non-zero
// exit is not an error here: the caller reads exit_code.
StatusOr<HostCommandResult> RunHostCommand(const HostCommand& command);

}  // namespace mybuild::fileops

#endif  // MYBUILD_FILEOPS_HOST_COMMAND_H_

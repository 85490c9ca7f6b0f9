// A detached container's stdout and stderr, read by its monitor into the container's log
// (container_log.h): two pipes (the streams stay apart), or with a terminal (-t) one pseudo-terminal
// whose slave is the container's 0, 1 and 2 and whose output is all "stdout". The container's stdin
// is /dev/null without a terminal.
#ifndef MYBUILD_ENGINE_OUTPUT_CAPTURE_H_
#define MYBUILD_ENGINE_OUTPUT_CAPTURE_H_

#include <poll.h>

#include <memory>
#include <vector>

#include "src/base/status.h"
#include "src/base/unique_fd.h"
#include "src/engine/container_log.h"
#include "src/executor/attached_sandbox.h"

namespace mybuild::engine {

class OutputCapture {
 public:
  static StatusOr<std::unique_ptr<OutputCapture>> Create(bool tty, LogWriter log);
  // Our read ends (either may be invalid) taken over, e.g. by the small monitor after execve.
  static std::unique_ptr<OutputCapture> Adopt(UniqueFd out, UniqueFd err, LogWriter log);
  // Logs the partial lines and gives up the read ends (to hand them to another program).
  struct ReadEnds {
    UniqueFd out, err;
  };
  StatusOr<ReadEnds> Release();

  // The container's ends, for AttachedSandbox::Start(); CloseContainerSide() once it has started.
  executor::AttachedStdio container_side() const;
  void CloseContainerSide();

  void AddPollFds(std::vector<pollfd>& fds);
  // Copies what is ready into the log.
  Status Handle(const std::vector<pollfd>& fds);
  // Both streams are at their end (and their last partial lines logged).
  bool done() const { return !out_.valid() && !err_.valid(); }

 private:
  explicit OutputCapture(LogWriter log) : log_(std::move(log)) {}
  Status Read(UniqueFd& fd, LogStream stream);

  LogWriter log_;
  bool tty_ = false;
  UniqueFd container_in_, container_out_, container_err_;
  UniqueFd out_, err_;  // our read ends (out_ the pty master with a terminal)
  int out_index_ = -1, err_index_ = -1;
};

}  // namespace mybuild::engine

#endif  // MYBUILD_ENGINE_OUTPUT_CAPTURE_H_

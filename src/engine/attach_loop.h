// The foreground side of a process in a container (`run` without -d, `exec`): its stdio relayed
// (stdio_relay.h) and the caller's signals handled until it has exited and its output is at its end.
//
// Signals reach the loop through a SignalInbox (Deliver() from the signal-handling thread, one byte per
// signal on a pipe): SIGWINCH resizes the process's terminal; any other is forwarded to it (with
// sig_proxy; without, only a SIGINT, SIGTERM or SIGHUP, as the stop signal), and a SIGINT, SIGTERM or
// SIGHUP also starts the stop timeout, after which it is killed (SIGKILL).
#ifndef MYBUILD_ENGINE_ATTACH_LOOP_H_
#define MYBUILD_ENGINE_ATTACH_LOOP_H_

#include <memory>

#include "src/base/status.h"
#include "src/base/unique_fd.h"
#include "src/engine/stdio_relay.h"
#include "src/executor/attached_sandbox.h"

namespace mybuild::engine {

class SignalInbox {
 public:
  static StatusOr<std::unique_ptr<SignalInbox>> Create();
  // Thread-safe, async-signal-safe.
  void Deliver(int signal);
  int read_fd() const { return read_.get(); }
  // Whether a SIGINT, SIGTERM or SIGHUP arrived (and empties the inbox): called before the process
  // starts, when there is nothing to forward it to yet.
  bool TakeTermination();

 private:
  SignalInbox(UniqueFd read, UniqueFd write) : read_(std::move(read)), write_(std::move(write)) {}
  UniqueFd read_, write_;
};

struct AttachPolicy {
  bool sig_proxy = true;
  int stop_timeout_seconds = 10;  // -1: never killed
  int stop_signal = 15;
};

// Runs until the process has exited and its output is at its end (or a grace period after its exit
// has passed: a descriptor passed out of it may keep the output open). Then call sandbox.Wait().
Status RunAttachLoop(executor::AttachedSandbox& sandbox, StdioRelay& relay, SignalInbox& inbox,
                     const AttachPolicy& policy);

}  // namespace mybuild::engine

#endif  // MYBUILD_ENGINE_ATTACH_LOOP_H_

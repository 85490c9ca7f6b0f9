// SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 and SIGWINCH, handled one way for the whole
// process, whatever the progress display.
//
// StartInterruptWatcher() runs first in main, before any other thread exists: it blocks the
// signals in the calling thread, so every thread started later (the tty display's refresh thread, the
// solver's pool, libcurl's resolver) inherits the mask and none of them ever takes a signal with its
// default disposition (which would end the process at once, mounts and scratch directory left behind).
// One thread waits for the signals with sigwait(2):
//   - while an InterruptScope is alive, a signal cancels its token: the running steps are stopped, the
//     display marks them CANCELED, and the build unwinds through its RAII owners (mounts, scratch
//     directory) before the command exits 128+N (InterruptExitCode);
//   - while a SignalForwardScope is alive (a foreground container), every signal goes to its function
//     (the container's loop forwards it or resizes the container's terminal);
//   - without a scope (store commands, a build before or after its scope), the signal ends the process
//     as its default disposition would (SIGWINCH is ignored, as by default).
// Children started with posix_spawn or the sandbox reset their signal mask themselves.
#ifndef MYBUILD_CLI_INTERRUPTS_H_
#define MYBUILD_CLI_INTERRUPTS_H_

#include <functional>

#include "src/base/cancel_token.h"

namespace mybuild::cli {

// Idempotent; the waiting thread lives until the process exits.
void StartInterruptWatcher();

// Routes the signals to `token` while alive (one scope at a time; the token must outlive the scope).
class InterruptScope {
 public:
  explicit InterruptScope(CancelToken& token);
  ~InterruptScope();
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;

  // The signal that cancelled the token during this scope, 0 if none.
  int signal() const;
};

// Routes the signals to `forward`, called on the signal thread, while alive (instead of an
// InterruptScope; one scope at a time).
class SignalForwardScope {
 public:
  explicit SignalForwardScope(std::function<void(int)> forward);
  ~SignalForwardScope();
  SignalForwardScope(const SignalForwardScope&) = delete;
  SignalForwardScope& operator=(const SignalForwardScope&) = delete;
};

// 128 + the signal that cancelled the last scope, or 0 when no signal did (the shell's convention).
int InterruptExitCode();

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_INTERRUPTS_H_

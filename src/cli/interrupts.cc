#include "src/cli/interrupts.h"

#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <thread>

namespace mybuild::cli {
namespace {

sigset_t InterruptSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  sigaddset(&signals, SIGQUIT);
  sigaddset(&signals, SIGUSR1);
  sigaddset(&signals, SIGUSR2);
  sigaddset(&signals, SIGWINCH);
  return signals;
}

struct Routing {
  std::mutex mutex;                 // guards token and forward; held while a signal is handled
  CancelToken* token = nullptr;     // the live InterruptScope's, or null
  std::function<void(int)> forward;  // the live SignalForwardScope's, or empty
  std::atomic<int> received{0};     // the signal that cancelled the last scope
};

Routing& TheRouting() {
  static Routing routing;
  return routing;
}

// Ends the process as the signal's default disposition would: the parent sees "killed by signal N".
[[noreturn]] void DieBy(int signal) {
  ::signal(signal, SIG_DFL);
  sigset_t only;
  sigemptyset(&only);
  sigaddset(&only, signal);
  pthread_sigmask(SIG_UNBLOCK, &only, nullptr);
  ::raise(signal);
  std::_Exit(128 + signal);  // not reached
}

void WaitForSignals(sigset_t signals) {
  Routing& routing = TheRouting();
  int signal = 0;
  while (sigwait(&signals, &signal) == 0) {
    std::lock_guard<std::mutex> lock(routing.mutex);
    if (routing.forward) {
      routing.forward(signal);
      continue;
    }
    if (signal == SIGWINCH) continue;  // its default disposition is to ignore it
    if (routing.token == nullptr) DieBy(signal);
    routing.received = signal;
    routing.token->Cancel();
  }
}

}  // namespace

void StartInterruptWatcher() {
  static std::once_flag started;
  std::call_once(started, [] {
    const sigset_t signals = InterruptSignals();
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    std::thread(WaitForSignals, signals).detach();
  });
}

InterruptScope::InterruptScope(CancelToken& token) {
  StartInterruptWatcher();
  Routing& routing = TheRouting();
  std::lock_guard<std::mutex> lock(routing.mutex);
  routing.received = 0;
  routing.token = &token;
}

InterruptScope::~InterruptScope() {
  Routing& routing = TheRouting();
  std::lock_guard<std::mutex> lock(routing.mutex);
  routing.token = nullptr;
}

SignalForwardScope::SignalForwardScope(std::function<void(int)> forward) {
  StartInterruptWatcher();
  Routing& routing = TheRouting();
  std::lock_guard<std::mutex> lock(routing.mutex);
  routing.forward = std::move(forward);
}

SignalForwardScope::~SignalForwardScope() {
  Routing& routing = TheRouting();
  std::lock_guard<std::mutex> lock(routing.mutex);
  routing.forward = nullptr;
}

int InterruptScope::signal() const { return TheRouting().received; }

int InterruptExitCode() {
  const int signal = TheRouting().received;
  return signal == 0 ? 0 : 128 + signal;
}

}  // namespace mybuild::cli

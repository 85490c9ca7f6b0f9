#include "src/cli/interrupts.h"

#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <cstdlib>
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
  return signals;
}

struct Routing {
  std::mutex mutex;                 // guards token; held while a signal cancels it
  CancelToken* token = nullptr;     // the live scope's, or null
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

int InterruptScope::signal() const { return TheRouting().received; }

int InterruptExitCode() {
  const int signal = TheRouting().received;
  return signal == 0 ? 0 : 128 + signal;
}

}  // namespace mybuild::cli

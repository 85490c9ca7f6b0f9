#include "src/engine/attach_loop.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <optional>
#include <vector>

namespace mybuild::engine {
namespace {

using Clock = std::chrono::steady_clock;

// After the process has exited, how long its output may stay open (a descriptor passed out of the
// container, e.g. over a bound unix socket) before the relay stops waiting for its end.
constexpr std::chrono::seconds kOutputGrace{2};

bool IsTermination(int signal) { return signal == SIGINT || signal == SIGTERM || signal == SIGHUP; }

// Relays stdio and handles signals until the container has exited and its output is at its end.
class AttachLoop {
 public:
  AttachLoop(executor::AttachedSandbox& sandbox, StdioRelay& relay, int wake_fd, const AttachPolicy& policy)
      : sandbox_(sandbox), relay_(relay), wake_fd_(wake_fd), policy_(policy) {}

  Status Run() {
    std::vector<pollfd> fds;
    for (;;) {
      if (exited_ && relay_.output_done() && !sandbox_.sync_open()) return Status::Ok();
      if (exited_ && Clock::now() >= *grace_end_) return Status::Ok();
      fds.clear();
      fds.push_back({wake_fd_, POLLIN, 0});
      int sync_index = -1, exit_index = -1;
      if (sandbox_.sync_open()) sync_index = Add(fds, sandbox_.sync_fd());
      if (!exited_) exit_index = Add(fds, sandbox_.exit_fd());
      relay_.AddPollFds(fds);
      if (poll(fds.data(), fds.size(), Timeout()) < 0) {
        if (errno == EINTR) continue;
        return ErrnoError("poll(container)");
      }
      if (fds[0].revents != 0) MB_RETURN_IF_ERROR(TakeSignals());
      if (kill_at_ && Clock::now() >= *kill_at_) {
        kill_at_.reset();
        MB_RETURN_IF_ERROR(sandbox_.Signal(SIGKILL));
      }
      if (sync_index >= 0 && fds[static_cast<size_t>(sync_index)].revents != 0) {
        MB_RETURN_IF_ERROR(sandbox_.ReadMessages());
      }
      if (exit_index >= 0 && fds[static_cast<size_t>(exit_index)].revents != 0) {
        exited_ = true;
        grace_end_ = Clock::now() + kOutputGrace;
      }
      MB_RETURN_IF_ERROR(relay_.Handle(fds));
    }
  }

 private:
  static int Add(std::vector<pollfd>& fds, int fd) {
    fds.push_back({fd, POLLIN, 0});
    return static_cast<int>(fds.size() - 1);
  }

  int Timeout() const {
    std::optional<Clock::time_point> next = exited_ ? grace_end_ : kill_at_;
    if (!next) return -1;
    auto left = std::chrono::ceil<std::chrono::milliseconds>(*next - Clock::now()).count();
    return static_cast<int>(std::clamp<int64_t>(left, 0, 1 << 30));
  }

  Status TakeSignals() {
    unsigned char signals[64];
    ssize_t n = read(wake_fd_, signals, sizeof signals);
    for (ssize_t i = 0; i < n; ++i) {
      int signal = signals[i];
      if (signal == SIGWINCH) {
        relay_.ResizeTerminal();
        continue;
      }
      if (!policy_.sig_proxy && !IsTermination(signal)) continue;
      MB_RETURN_IF_ERROR(sandbox_.Signal(policy_.sig_proxy ? signal : policy_.stop_signal));
      if (IsTermination(signal) && !kill_at_ && !exited_ && policy_.stop_timeout_seconds >= 0) {
        kill_at_ = Clock::now() + std::chrono::seconds(policy_.stop_timeout_seconds);
      }
    }
    return Status::Ok();
  }

  executor::AttachedSandbox& sandbox_;
  StdioRelay& relay_;
  int wake_fd_;
  const AttachPolicy& policy_;
  bool exited_ = false;
  std::optional<Clock::time_point> kill_at_;
  std::optional<Clock::time_point> grace_end_;
};

}  // namespace

StatusOr<std::unique_ptr<SignalInbox>> SignalInbox::Create() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0) return ErrnoError("pipe2");
  return std::unique_ptr<SignalInbox>(new SignalInbox(UniqueFd(fds[0]), UniqueFd(fds[1])));
}

void SignalInbox::Deliver(int signal) {
  unsigned char byte = static_cast<unsigned char>(signal);
  while (write(write_.get(), &byte, 1) < 0 && errno == EINTR) {
  }
}

bool SignalInbox::TakeTermination() {
  unsigned char signals[64];
  pollfd fd{read_.get(), POLLIN, 0};
  bool interrupted = false;
  while (poll(&fd, 1, 0) > 0) {
    ssize_t n = read(read_.get(), signals, sizeof signals);
    if (n <= 0) break;
    for (ssize_t i = 0; i < n; ++i) interrupted = interrupted || IsTermination(signals[i]);
  }
  return interrupted;
}

Status RunAttachLoop(executor::AttachedSandbox& sandbox, StdioRelay& relay, SignalInbox& inbox,
                     const AttachPolicy& policy) {
  AttachLoop loop(sandbox, relay, inbox.read_fd(), policy);
  return loop.Run();
}

}  // namespace mybuild::engine

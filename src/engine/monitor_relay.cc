#include "src/engine/monitor_relay.h"

#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <optional>

#include "cache/file_lock.h"
#include "src/engine/container_state_file.h"
#include "src/engine/container_time.h"
#include "src/engine/health_prober.h"
#include "src/engine/output_capture.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

namespace mybuild::engine {
namespace {

using Clock = std::chrono::steady_clock;

// After PID 1 has exited, how long its output may stay open (a descriptor passed out of the container)
// before the monitor stops waiting for its end.
constexpr std::chrono::seconds kOutputGrace{2};

Status Relay(int pidfd, OutputCapture& output, HealthProber* health) {
  std::vector<pollfd> fds;
  std::optional<Clock::time_point> grace_end;
  for (;;) {
    if (grace_end && (output.done() || Clock::now() >= *grace_end)) return Status::Ok();
    fds.clear();
    if (!grace_end) fds.push_back({pidfd, POLLIN, 0});
    output.AddPollFds(fds);
    int timeout = -1;
    if (health != nullptr && !grace_end) {
      health->AddPollFds(fds);
      timeout = health->TimeoutMs();
    }
    if (grace_end) {
      timeout = static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(*grace_end - Clock::now()).count());
      if (timeout < 0) timeout = 0;
    }
    if (poll(fds.data(), fds.size(), timeout) < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("poll(container)");
    }
    if (!grace_end && fds[0].revents != 0) grace_end = Clock::now() + kOutputGrace;
    MB_RETURN_IF_ERROR(output.Handle(fds));
    if (health != nullptr && !grace_end) health->Tick(fds);
  }
}

StatusOr<int> ParseNumber(const std::string& flag, const std::string& text) {
  char* end = nullptr;
  long long value = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0') return InvalidArgument(flag + " \"" + text + "\" is not a number");
  return static_cast<int>(value);
}

}  // namespace

std::vector<std::string> HandoffArgs(const RelayHandoff& h) {
  return {"mybuild-monitor", "container-monitor", h.id,
          "--pidfd", std::to_string(h.pidfd), "--out", std::to_string(h.out_fd), "--err", std::to_string(h.err_fd),
          "--lock-fd", std::to_string(h.lock_fd), "--ready-fd", std::to_string(h.ready_fd), "--dir", h.dir, "--pid", std::to_string(h.pid),
          "--started-at", h.started_at, "--root", h.root, "--mountpoint", h.mountpoint,
          "--remove", h.remove ? "1" : "0", "--mybuild", h.mybuild};
}

StatusOr<RelayHandoff> ParseHandoffArgs(const std::vector<std::string>& args) {
  if (args.size() != 27 || args[1] != "container-monitor") {
    return InvalidArgument("usage: mybuild-monitor container-monitor ID --pidfd N … (started by mybuild only)");
  }
  RelayHandoff h;
  h.id = args[2];
  for (size_t i = 3; i + 1 < args.size(); i += 2) {
    const std::string& flag = args[i];
    const std::string& value = args[i + 1];
    if (flag == "--pidfd") {
      MB_ASSIGN_OR_RETURN(h.pidfd, ParseNumber(flag, value));
    } else if (flag == "--out") {
      MB_ASSIGN_OR_RETURN(h.out_fd, ParseNumber(flag, value));
    } else if (flag == "--err") {
      MB_ASSIGN_OR_RETURN(h.err_fd, ParseNumber(flag, value));
    } else if (flag == "--lock-fd") {
      MB_ASSIGN_OR_RETURN(h.lock_fd, ParseNumber(flag, value));
    } else if (flag == "--ready-fd") {
      MB_ASSIGN_OR_RETURN(h.ready_fd, ParseNumber(flag, value));
    } else if (flag == "--pid") {
      MB_ASSIGN_OR_RETURN(int pid, ParseNumber(flag, value));
      h.pid = pid;
    } else if (flag == "--dir") {
      h.dir = value;
    } else if (flag == "--started-at") {
      h.started_at = value;
    } else if (flag == "--root") {
      h.root = value;
    } else if (flag == "--mountpoint") {
      h.mountpoint = value;
    } else if (flag == "--remove") {
      h.remove = value == "1";
    } else if (flag == "--mybuild") {
      h.mybuild = value;
    } else {
      return InvalidArgument("mybuild-monitor: unknown flag " + flag);
    }
  }
  if (h.pidfd < 0 || h.dir.empty()) return InvalidArgument("mybuild-monitor: --pidfd and --dir are required");
  return h;
}

StatusOr<int> RelayToEnd(const RelayHandoff& handoff) {
  const std::filesystem::path dir = handoff.dir;
  MB_ASSIGN_OR_RETURN(LogWriter log, LogWriter::Open(dir / "container.log"));
  std::unique_ptr<OutputCapture> output =
      OutputCapture::Adopt(UniqueFd(handoff.out_fd), UniqueFd(handoff.err_fd), std::move(log));
  // A health check that cannot be read is not run (the container runs on; ps shows no health).
  StatusOr<std::unique_ptr<HealthProber>> health = HealthProber::Load(dir, handoff.root, handoff.id, handoff.mybuild);
  Status relayed = Relay(handoff.pidfd, *output, health.ok() ? health->get() : nullptr);
  if (health.ok()) health->reset();
  // A log that cannot be written must not leave the container running unmonitored.
  if (!relayed.ok()) syscall(SYS_pidfd_send_signal, handoff.pidfd, SIGKILL, nullptr, 0);
  // Reaped under the container's lock: a command holding it never signals a recycled PID.
  MB_ASSIGN_OR_RETURN(cache::FileLock lock, cache::FileLock::Acquire(dir / "lock", cache::FileLock::Mode::kExclusive));
  siginfo_t info{};
  while (waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(handoff.pidfd), &info, WEXITED) < 0) {
    if (errno != EINTR) return ErrnoError("waitid(the container's PID 1)");
  }
  ContainerState state;
  state.state = "exited";
  state.exit_code = info.si_code == CLD_EXITED ? info.si_status : 128 + info.si_status;
  state.started_at = handoff.started_at;
  state.finished_at = FormatTimeNanos(NowNanos());
  if (!relayed.ok()) state.error = "its output could not be logged: " + relayed.message();
  MB_RETURN_IF_ERROR(WriteStateFile(dir / "state.json", state));
  return state.exit_code;
}

}  // namespace mybuild::engine

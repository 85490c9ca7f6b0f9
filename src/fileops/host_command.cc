#include "src/fileops/host_command.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>

#include "src/base/unique_fd.h"

namespace mybuild::fileops {
namespace {

StatusOr<std::array<UniqueFd, 2>> MakePipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return ErrnoError("pipe2");
  return std::array<UniqueFd, 2>{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

std::vector<char*> CStrings(const std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (const std::string& s : strings) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

// The spawn attributes and file actions, released on every path.
struct SpawnSetup {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  SpawnSetup() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
  }
  ~SpawnSetup() {
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&actions);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
};

void Append(std::string& to, const char* data, size_t n, size_t max) {
  if (to.size() < max) to.append(data, std::min(n, max - to.size()));
}

}  // namespace

StatusOr<HostCommandResult> RunHostCommand(const HostCommand& command) {
  if (command.argv.empty()) return InvalidArgument("RunHostCommand: empty argv");
  MB_ASSIGN_OR_RETURN(auto out_pipe, MakePipe());
  MB_ASSIGN_OR_RETURN(auto err_pipe, MakePipe());
  SpawnSetup setup;
  posix_spawn_file_actions_addopen(&setup.actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&setup.actions, out_pipe[1].get(), 1);
  posix_spawn_file_actions_adddup2(&setup.actions, err_pipe[1].get(), 2);
  // Its own process group: a timeout kills git's helpers (git-remote-http, ssh) too.
  posix_spawnattr_setpgroup(&setup.attr, 0);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigdefault(&setup.attr, &defaults);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&setup.attr, &none);
  posix_spawnattr_setflags(&setup.attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  std::vector<char*> argv = CStrings(command.argv);
  std::vector<char*> envp = CStrings(command.env);
  pid_t pid = -1;
  int spawned = ::posix_spawnp(&pid, argv[0], &setup.actions, &setup.attr, argv.data(), envp.data());
  if (spawned != 0) {
    Status error = ErrnoError("run " + command.argv[0], spawned);
    if (spawned == ENOENT) return NotFound("run " + command.argv[0] + ": not installed (not found in PATH)");
    return error;
  }
  out_pipe[1].Reset();
  err_pipe[1].Reset();

  HostCommandResult result;
  const auto deadline = std::chrono::steady_clock::now() + command.timeout;
  bool timed_out = false;
  std::array<pollfd, 2> fds{pollfd{out_pipe[0].get(), POLLIN, 0}, pollfd{err_pipe[0].get(), POLLIN, 0}};
  std::array<std::string*, 2> sinks{&result.out, &result.err};
  while (fds[0].fd >= 0 || fds[1].fd >= 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    int ready = ::poll(fds.data(), fds.size(), static_cast<int>(std::min<int64_t>(left.count(), 1000)));
    if (ready < 0 && errno != EINTR) break;
    for (size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buffer[8192];
      ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        Append(*sinks[i], buffer, static_cast<size_t>(n), command.max_output);
      } else if (n == 0 || errno != EINTR) {
        fds[i].fd = -1;  // poll ignores negative fds
      }
    }
  }
  if (timed_out) ::kill(-pid, SIGKILL);
  int wstatus = 0;
  while (::waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) {
    return Unavailable(command.argv[0] + " did not finish within " + std::to_string(command.timeout.count()) + " s");
  }
  result.exit_code = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
  return result;
}

}  // namespace mybuild::fileops

#include "src/engine/monitor_launch.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

#include "src/base/files.h"
#include "src/base/unique_fd.h"

extern char** environ;

namespace mybuild::engine {
namespace {

constexpr int kReadyFd = 3;

// fork() without glibc's atfork handlers: the caller may have other threads holding locks; the child
// makes system calls only until it execs.
pid_t RawFork() { return static_cast<pid_t>(syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0)); }

// In the first child: a new session, then the monitor in a grandchild; this child exits at once.
[[noreturn]] void DetachAndExec(const char* program, char* const* argv, int ready_fd, int null_fd) {
  if (setsid() < 0) _exit(126);
  pid_t monitor = RawFork();
  if (monitor != 0) _exit(monitor < 0 ? 126 : 0);
  // Out of the way of 0..3 before the dup2()s below.
  int ready = fcntl(ready_fd, F_DUPFD, 10);
  int null = fcntl(null_fd, F_DUPFD, 10);
  if (ready < 0 || null < 0) _exit(126);
  if (dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0 || dup2(ready, kReadyFd) < 0) _exit(126);
  syscall(SYS_close_range, kReadyFd + 1, ~0U, 0);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);  // the caller's blocked signals would survive exec
  execve(program, argv, environ);
  _exit(127);
}

Status ParseReady(const std::string& message, const std::string& program) {
  if (message == "ok\n") return Status::Ok();
  if (message.empty()) return Internal(program + " exited before it was ready");
  size_t newline = message.find('\n');
  if (message[0] != 'E' || newline == std::string::npos) {
    return Internal("unexpected message from the container's monitor: " + message);
  }
  int code = std::atoi(message.substr(1, newline - 1).c_str());
  if (code <= 0 || code > static_cast<int>(StatusCode::kIo)) code = static_cast<int>(StatusCode::kInternal);
  return Status(static_cast<StatusCode>(code), message.substr(newline + 1));
}

}  // namespace

Status ExecMonitorLauncher::Launch(const std::string& id) {
  return LaunchDetached("/proc/self/exe", {"mybuild", "--root", root_.string(), "container-monitor", "--ready-fd",
                                           std::to_string(kReadyFd), id});
}

Status LaunchDetached(const std::filesystem::path& program, std::vector<std::string> args) {
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) < 0) return ErrnoError("pipe2");
  UniqueFd ready_read(fds[0]), ready_write(fds[1]);
  UniqueFd null(open("/dev/null", O_RDWR | O_CLOEXEC));
  if (!null.valid()) return ErrnoError("open /dev/null");

  pid_t child = RawFork();
  if (child < 0) return ErrnoError("fork (container monitor)");
  if (child == 0) DetachAndExec(program.c_str(), argv.data(), ready_write.get(), null.get());
  ready_write.Reset();
  int status = 0;
  while (waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) return ErrnoError("waitpid (container monitor)");
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return Internal("could not start " + program.string());
  std::string message;
  char buffer[4096];
  for (;;) {
    ssize_t n = read(ready_read.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoError("read (container monitor)");
    if (n == 0) break;
    message.append(buffer, static_cast<size_t>(n));
    if (message.size() > 65536) break;
  }
  return ParseReady(message, program == "/proc/self/exe" ? std::string("the container's monitor") : program.filename().string());
}

void ReportMonitorReady(int fd, const Status& status) {
  std::string message = status.ok() ? "ok\n"
                                    : "E" + std::to_string(static_cast<int>(status.code())) + "\n" + status.message();
  WriteAll(fd, message, "the monitor's ready pipe").IgnoreError();
  close(fd);
}

}  // namespace mybuild::engine

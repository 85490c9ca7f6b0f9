#include "src/monitor/mini_init.h"

#include <signal.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace mybuild::monitor {
namespace {

[[noreturn]] void RunChild(char** argv, const sigset_t& original) {
  setpgid(0, 0);
  if (isatty(STDIN_FILENO)) {
    // Becoming the terminal's foreground group from the background would stop us with SIGTTOU.
    signal(SIGTTOU, SIG_IGN);
    tcsetpgrp(STDIN_FILENO, getpgrp());
    signal(SIGTTOU, SIG_DFL);
  }
  sigprocmask(SIG_SETMASK, &original, nullptr);
  execvp(argv[0], argv);
  int error = errno;
  std::fprintf(stderr, "mybuild-init: exec %s: %s\n", argv[0], std::strerror(error));
  _exit(error == ENOENT ? 127 : 126);
}

int StatusCode(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status); }

}  // namespace

void RunMiniInit(char** argv) {
  if (argv[0] == nullptr) {
    std::fprintf(stderr, "mybuild-init: no command\n");
    _exit(126);
  }
  sigset_t all, original;
  sigfillset(&all);
  sigprocmask(SIG_SETMASK, &all, &original);
  pid_t child = fork();
  if (child < 0) {
    std::fprintf(stderr, "mybuild-init: fork: %s\n", std::strerror(errno));
    _exit(126);
  }
  if (child == 0) RunChild(argv, original);
  for (;;) {
    siginfo_t info;
    int signal_number = sigwaitinfo(&all, &info);
    if (signal_number < 0) continue;  // EINTR
    if (signal_number != SIGCHLD) {
      kill(child, signal_number);
      continue;
    }
    // Reap everything that has ended: the command, and orphans re-parented to PID 1.
    for (;;) {
      int status = 0;
      pid_t pid = waitpid(-1, &status, WNOHANG);
      if (pid <= 0) break;
      if (pid == child) _exit(StatusCode(status));
    }
  }
}

}  // namespace mybuild::monitor

// How a sandbox child (the container's init, a RUN's init, an `exec` process) reports to its parent over
// the sync pipe (sync_protocol.h), between clone and execve: no allocation, no locks, system calls only.
#ifndef MYBUILD_EXECUTOR_CHILD_REPORT_H_
#define MYBUILD_EXECUTOR_CHILD_REPORT_H_

#include <unistd.h>

#include <cerrno>
#include <cstddef>

#include "src/executor/sync_protocol.h"

namespace mybuild::executor {

// Copies `src` into `dst` (at most size-1 bytes, NUL-terminated); a null `src` is "".
inline void CopyString(char* dst, size_t size, const char* src) {
  size_t i = 0;
  for (; src != nullptr && src[i] != '\0' && i + 1 < size; ++i) dst[i] = src[i];
  dst[i] = '\0';
}

class ChildReporter {
 public:
  explicit ChildReporter(int sync_fd) : sync_fd_(sync_fd) {}
  void set_sync_fd(int fd) { sync_fd_ = fd; }
  int sync_fd() const { return sync_fd_; }

  void Send(ChildMessage& message) {
    ssize_t written;
    do {
      written = write(sync_fd_, &message, sizeof message);
    } while (written < 0 && errno == EINTR);
  }

  // Reports errno as the failure of `step` and exits with `exit_code`.
  [[noreturn]] void Fail(SetupStep step, const char* syscall_name, const char* path, int exit_code = 1) {
    ChildMessage message{};
    message.type = MessageType::kError;
    message.step = step;
    message.err = errno;
    CopyString(message.syscall, sizeof message.syscall, syscall_name);
    CopyString(message.path, sizeof message.path, path);
    Send(message);
    _exit(exit_code);
  }

  void ReportCreated(const char* path) {
    ChildMessage message{};
    message.type = MessageType::kCreated;
    CopyString(message.path, sizeof message.path, path);
    Send(message);
  }

 private:
  int sync_fd_;
};

}  // namespace mybuild::executor

#endif  // MYBUILD_EXECUTOR_CHILD_REPORT_H_

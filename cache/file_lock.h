// An advisory lock on a lock file (flock), released on destruction. Used to serialise read-modify-write
// updates of small state files in the root (the image store, the cache index) across processes, and to
// keep garbage collection and the commands that use the root apart (gc.h).
#ifndef MYBUILD_CACHE_FILE_LOCK_H_
#define MYBUILD_CACHE_FILE_LOCK_H_

#include <filesystem>
#include <optional>

#include "src/base/status.h"
#include "src/base/unique_fd.h"

namespace mybuild::cache {

class FileLock {
 public:
  enum class Mode { kShared, kExclusive };
  // Creates `path` (mode 0600) when missing and blocks until the lock is held.
  static StatusOr<FileLock> Acquire(const std::filesystem::path& path, Mode mode);
  // As Acquire, but returns std::nullopt at once when another process holds a conflicting lock.
  static StatusOr<std::optional<FileLock>> TryAcquire(const std::filesystem::path& path, Mode mode);
  FileLock() = default;
  bool held() const { return static_cast<bool>(fd_); }
  // The lock file's descriptor (close-on-exec; a process that clears that keeps the lock across execve).
  int fd() const { return fd_.get(); }
  // Closing the fd releases the lock.

 private:
  explicit FileLock(UniqueFd fd) : fd_(std::move(fd)) {}
  UniqueFd fd_;
};

}  // namespace mybuild::cache

#endif  // MYBUILD_CACHE_FILE_LOCK_H_

#include "cache/file_lock.h"

#include <fcntl.h>
#include <sys/file.h>

#include <cerrno>

namespace mybuild::cache {

namespace {

// Opens `path` and flocks it; `wait` false adds LOCK_NB, and then "would block" is an empty fd.
StatusOr<UniqueFd> OpenLocked(const std::filesystem::path& path, FileLock::Mode mode, bool wait) {
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!fd) return ErrnoError("open lock file " + path.string());
  int operation = (mode == FileLock::Mode::kShared ? LOCK_SH : LOCK_EX) | (wait ? 0 : LOCK_NB);
  while (::flock(fd.get(), operation) != 0) {
    if (!wait && errno == EWOULDBLOCK) return UniqueFd();
    if (errno != EINTR) return ErrnoError("flock " + path.string());
  }
  return fd;
}

}  // namespace

StatusOr<FileLock> FileLock::Acquire(const std::filesystem::path& path, Mode mode) {
  MB_ASSIGN_OR_RETURN(UniqueFd fd, OpenLocked(path, mode, /*wait=*/true));
  return FileLock(std::move(fd));
}

StatusOr<std::optional<FileLock>> FileLock::TryAcquire(const std::filesystem::path& path, Mode mode) {
  MB_ASSIGN_OR_RETURN(UniqueFd fd, OpenLocked(path, mode, /*wait=*/false));
  if (!fd) return std::optional<FileLock>();
  return std::optional<FileLock>(FileLock(std::move(fd)));
}

}  // namespace mybuild::cache

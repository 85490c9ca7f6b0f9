#include "cache/file_lock.h"

#include <fcntl.h>
#include <sys/file.h>

#include <cerrno>

namespace mybuild::cache {

StatusOr<FileLock> FileLock::Acquire(const std::filesystem::path& path, Mode mode) {
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!fd) return ErrnoError("open lock file " + path.string());
  int operation = mode == Mode::kShared ? LOCK_SH : LOCK_EX;
  while (::flock(fd.get(), operation) != 0) {
    if (errno != EINTR) return ErrnoError("flock " + path.string());
  }
  return FileLock(std::move(fd));
}

}  // namespace mybuild::cache

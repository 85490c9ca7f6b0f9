#include "src/base/dir_names.h"

#include <dirent.h>
#include <fcntl.h>

#include <algorithm>
#include <cerrno>
#include <memory>

namespace mybuild {

StatusOr<std::vector<std::string>> DirectoryNames(int dirfd, const std::string& where) {
  // A descriptor of its own: fdopendir takes ownership and moves its offset.
  const int fd = ::openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("open directory " + where);
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::fdopendir(fd), ::closedir);
  if (dir == nullptr) {
    const int err = errno;
    ::close(fd);
    return ErrnoError("fdopendir " + where, err);
  }
  std::vector<std::string> names;
  errno = 0;
  while (const struct dirent* entry = ::readdir(dir.get())) {
    const std::string_view name = entry->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
    errno = 0;
  }
  if (errno != 0) return ErrnoError("readdir " + where);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace mybuild

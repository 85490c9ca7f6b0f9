#include "src/executor/root_mkdir.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <deque>

#include "src/base/unique_fd.h"

namespace mybuild::executor {
namespace {

constexpr int kMaxSymlinkHops = 40;

void SplitInto(const std::string& path, std::deque<std::string>& parts, bool at_front) {
  std::deque<std::string> split;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (end > start) split.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  if (at_front) {
    parts.insert(parts.begin(), split.begin(), split.end());
  } else {
    parts.insert(parts.end(), split.begin(), split.end());
  }
}

std::string Parent(const std::string& resolved) {
  size_t slash = resolved.rfind('/');
  return slash == std::string::npos || slash == 0 ? "" : resolved.substr(0, slash);
}

StatusOr<UniqueFd> OpenDirInRoot(int root_fd, const std::string& resolved) {
  open_how how{};
  how.flags = O_PATH | O_DIRECTORY | O_CLOEXEC;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  std::string path = resolved.empty() ? "/" : resolved;
  int fd = static_cast<int>(syscall(SYS_openat2, root_fd, path.c_str(), &how, sizeof how));
  if (fd < 0) return ErrnoError("openat2 " + path + " in the rootfs");
  return UniqueFd(fd);
}

}  // namespace

Status MakeDirectoriesInRoot(int root_fd, const std::string& path) {
  std::deque<std::string> pending;
  SplitInto(path, pending, false);
  std::string resolved;  // a container path made only of real directories ("" = the root)
  int hops = 0;
  while (!pending.empty()) {
    std::string name = std::move(pending.front());
    pending.pop_front();
    if (name == ".") continue;
    if (name == "..") {
      resolved = Parent(resolved);
      continue;
    }
    MB_ASSIGN_OR_RETURN(UniqueFd dir, OpenDirInRoot(root_fd, resolved));
    std::string shown = resolved + "/" + name;
    struct stat st;
    if (fstatat(dir.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) {
      if (errno != ENOENT) return ErrnoError("fstatat " + shown + " in the rootfs");
      if (mkdirat(dir.get(), name.c_str(), 0755) < 0 && errno != EEXIST) {
        return ErrnoError("mkdirat " + shown + " in the rootfs");
      }
      // The umask may have narrowed 0755; fix it on the directory itself, never through a link.
      UniqueFd created(openat(dir.get(), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (!created.valid()) return ErrnoError("openat " + shown + " in the rootfs");
      if (fchmod(created.get(), 0755) < 0) return ErrnoError("fchmod " + shown + " in the rootfs");
      resolved = shown;
      continue;
    }
    if (S_ISDIR(st.st_mode)) {
      resolved = shown;
      continue;
    }
    if (!S_ISLNK(st.st_mode)) {
      return InvalidArgument("cannot create directory " + path + ": " + shown + " exists and is not a directory");
    }
    if (++hops > kMaxSymlinkHops) {
      return InvalidArgument("cannot create directory " + path + ": too many levels of symbolic links");
    }
    char target[4096];
    ssize_t length = readlinkat(dir.get(), name.c_str(), target, sizeof target);
    if (length < 0) return ErrnoError("readlinkat " + shown + " in the rootfs");
    if (static_cast<size_t>(length) == sizeof target) {
      return InvalidArgument("symlink " + shown + " in the rootfs has an over-long target");
    }
    std::string link(target, static_cast<size_t>(length));
    if (!link.empty() && link[0] == '/') resolved.clear();
    SplitInto(link, pending, true);
  }
  return Status::Ok();
}

}  // namespace mybuild::executor

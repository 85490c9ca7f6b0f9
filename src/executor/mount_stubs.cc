#include "src/executor/mount_stubs.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "src/base/unique_fd.h"

namespace mybuild::executor {
namespace {

Status RemoveStub(int root_fd, const std::string& path) {
  size_t slash = path.rfind('/');
  std::string parent = slash == 0 ? "/" : path.substr(0, slash);
  std::string name = path.substr(slash + 1);
  if (name.empty() || name == "." || name == "..") return Status::Ok();
  open_how how{};
  how.flags = O_PATH | O_DIRECTORY | O_CLOEXEC;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV;
  UniqueFd dir(static_cast<int>(syscall(SYS_openat2, root_fd, parent.c_str(), &how, sizeof how)));
  if (!dir.valid()) {
    if (errno == ENOENT || errno == ENOTDIR || errno == EXDEV) return Status::Ok();
    return ErrnoError("openat2 " + parent + " in the rootfs");
  }
  struct stat st;
  if (fstatat(dir.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) {
    if (errno == ENOENT) return Status::Ok();
    return ErrnoError("fstatat " + path + " in the rootfs");
  }
  int flags;
  if (S_ISDIR(st.st_mode)) {
    flags = AT_REMOVEDIR;  // the kernel refuses a directory that is not empty
  } else if (S_ISREG(st.st_mode) && st.st_size == 0) {
    flags = 0;
  } else {
    return Status::Ok();
  }
  if (unlinkat(dir.get(), name.c_str(), flags) < 0 && errno != ENOENT && errno != ENOTEMPTY &&
      errno != EEXIST && errno != EBUSY) {
    return ErrnoError("unlinkat " + path + " in the rootfs");
  }
  return Status::Ok();
}

}  // namespace

Status RemoveMountStubs(int root_fd, const std::vector<std::string>& created) {
  Status first;
  for (auto it = created.rbegin(); it != created.rend(); ++it) {
    Status status = RemoveStub(root_fd, *it);
    if (first.ok() && !status.ok()) first = status;
  }
  return first;
}

}  // namespace mybuild::executor

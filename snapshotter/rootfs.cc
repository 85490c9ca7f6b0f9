#include "snapshotter/rootfs.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <deque>

#include "fmt/format.h"
#include "src/base/dir_names.h"
#include "src/base/sparse_map.h"

namespace mybuild::snapshotter {
namespace {

constexpr int kMaxSymlinkHops = 40;
constexpr int kOpenat2Retries = 32;

std::atomic<bool> g_force_fallback{false};

int Openat2(int dirfd, const char* path, uint64_t flags, uint64_t mode, uint64_t resolve) {
  struct open_how how {};
  how.flags = flags;
  how.mode = mode;
  how.resolve = resolve;
  return static_cast<int>(::syscall(SYS_openat2, dirfd, path, &how, sizeof(how)));
}

bool KernelHasOpenat2() {
  static const bool have = [] {
    int fd = Openat2(AT_FDCWD, "/", O_PATH | O_CLOEXEC, 0, RESOLVE_IN_ROOT);
    if (fd >= 0) {
      ::close(fd);
      return true;
    }
    // ENOSYS: old kernel; EPERM: a seccomp filter that blocks it (old container runtimes).
    return errno != ENOSYS && errno != EPERM;
  }();
  return have;
}

std::string Join(const std::vector<std::string>& parts, size_t count) {
  std::string out;
  for (size_t i = 0; i < count; ++i) {
    if (i) out += '/';
    out += parts[i];
  }
  return out.empty() ? "." : out;
}

// The mount an fd lives on: the mount id (statx, Linux 5.8+; bind mounts share st_dev), else st_dev.
StatusOr<uint64_t> MountIdOf(int fd) {
  struct statx stx {};
  if (::statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &stx) != 0) return ErrnoError("statx");
  if (stx.stx_mask & STATX_MNT_ID) return static_cast<uint64_t>(stx.stx_mnt_id);
  return (static_cast<uint64_t>(stx.stx_dev_major) << 32) | stx.stx_dev_minor;
}

std::string ProcFdPath(int fd) { return fmt::format("/proc/self/fd/{}", fd); }

StatusOr<std::string> ReadLinkFd(int fd) {
  std::string buf(4096, '\0');
  ssize_t n = ::readlinkat(fd, "", buf.data(), buf.size());
  if (n < 0) return ErrnoError("readlinkat");
  if (static_cast<size_t>(n) >= buf.size()) return ResourceExhausted("symlink target longer than 4095 bytes");
  buf.resize(static_cast<size_t>(n));
  return buf;
}

}  // namespace

void RootFs::ForceFallbackForTesting(bool force) { g_force_fallback = force; }
bool RootFs::HaveOpenat2() { return KernelHasOpenat2() && !g_force_fallback; }

StatusOr<RootFs> RootFs::Open(const std::filesystem::path& root, bool no_xdev, std::string description) {
  UniqueFd fd(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!description.empty() && !fd) return ErrnoError("open root directory of " + description);
  if (!fd) return ErrnoError(fmt::format("open root directory {}", root.string()));
  RootFs r(std::move(fd), description.empty() ? root.string() : std::move(description));
  r.no_xdev_ = no_xdev;
  MB_RETURN_IF_ERROR(r.InitDevice());
  return r;
}

Status RootFs::InitDevice() {
  MB_ASSIGN_OR_RETURN(mount_id_, MountIdOf(root_.get()));
  return Status::Ok();
}

StatusOr<RootFs> RootFs::FromFd(int dirfd, std::string description) {
  UniqueFd fd(::openat(dirfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!fd) return ErrnoError(fmt::format("reopen root directory {}", description));
  RootFs r(std::move(fd), std::move(description));
  MB_RETURN_IF_ERROR(r.InitDevice());
  return r;
}

std::string RootFs::Where(std::string_view path) const {
  return fmt::format("\"{}\" in {}", path, description_);
}

std::vector<std::string> RootFs::CleanComponents(std::string_view path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i <= path.size()) {
    size_t end = path.find('/', i);
    if (end == std::string_view::npos) end = path.size();
    std::string_view c = path.substr(i, end - i);
    if (c == "..") {
      if (!out.empty()) out.pop_back();
    } else if (!c.empty() && c != ".") {
      out.emplace_back(c);
    }
    i = end + 1;
  }
  return out;
}

// ErrnoError, except that ENOENT becomes kNotFound (callers create missing paths on that code).
static Status WalkError(const char* what) {
  if (errno == ENOENT) return NotFound(std::string(what) + ": no such file or directory");
  return ErrnoError(what);
}

StatusOr<UniqueFd> RootFs::WalkFallback(const std::vector<std::string>& components, int flags,
                                        bool follow_final, bool no_symlinks, mode_t mode) const {
  // stack[0] is the root (not owned by this vector's first element: we dup it to keep ownership simple).
  std::vector<UniqueFd> stack;
  stack.emplace_back(::fcntl(root_.get(), F_DUPFD_CLOEXEC, 0));
  if (!stack.back()) return ErrnoError("dup root fd");
  std::deque<std::string> todo(components.begin(), components.end());
  int hops = 0;
  auto follow = [&](int linkfd) -> Status {
    if (no_symlinks) return ErrnoError("symlink in path", ELOOP);
    if (++hops > kMaxSymlinkHops) return ErrnoError("too many levels of symbolic links", ELOOP);
    MB_ASSIGN_OR_RETURN(std::string target, ReadLinkFd(linkfd));
    if (!target.empty() && target[0] == '/') stack.resize(1);
    std::vector<std::string> parts;
    size_t i = 0;
    while (i <= target.size()) {
      size_t end = target.find('/', i);
      if (end == std::string::npos) end = target.size();
      std::string c = target.substr(i, end - i);
      if (!c.empty() && c != ".") parts.push_back(c);
      i = end + 1;
    }
    todo.insert(todo.begin(), parts.begin(), parts.end());
    return Status::Ok();
  };
  while (!todo.empty()) {
    std::string c = todo.front();
    todo.pop_front();
    if (c == ".") continue;
    if (c == "..") {
      if (stack.size() > 1) stack.pop_back();
      continue;
    }
    const bool last = todo.empty();
    int cur = stack.back().get();
    if (last) {
      // Look first (without following), so that a symlink is followed whatever the open flags are.
      UniqueFd probe(::openat(cur, c.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
      if (probe && follow_final) {
        struct stat st {};
        if (::fstat(probe.get(), &st) != 0) return ErrnoError("fstat");
        if (S_ISLNK(st.st_mode)) {
          MB_RETURN_IF_ERROR(follow(probe.get()));
          continue;
        }
      }
      UniqueFd fd(::openat(cur, c.c_str(), flags | O_NOFOLLOW | O_CLOEXEC, mode));
      if (!fd) return WalkError("openat");
      if (no_xdev_) {
        MB_ASSIGN_OR_RETURN(uint64_t id, MountIdOf(fd.get()));
        if (id != mount_id_) return ErrnoError("path crosses a mount point", EXDEV);
      }
      return fd;
    }
    UniqueFd fd(::openat(cur, c.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (!fd) return WalkError("openat");
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return ErrnoError("fstat");
    if (no_xdev_) {
      MB_ASSIGN_OR_RETURN(uint64_t id, MountIdOf(fd.get()));
      if (id != mount_id_) return ErrnoError("path crosses a mount point", EXDEV);
    }
    if (S_ISLNK(st.st_mode)) {
      MB_RETURN_IF_ERROR(follow(fd.get()));
    } else if (S_ISDIR(st.st_mode)) {
      stack.push_back(std::move(fd));
    } else {
      return ErrnoError("not a directory", ENOTDIR);
    }
  }
  UniqueFd fd(::openat(stack.back().get(), ".", (flags & ~(O_CREAT | O_EXCL)) | O_CLOEXEC));
  if (!fd) return WalkError("openat");
  return fd;
}

StatusOr<UniqueFd> RootFs::Resolve(std::string_view path, int flags, bool follow_final, bool no_symlinks,
                                   mode_t mode) const {
  std::vector<std::string> comps = CleanComponents(path);
  if (!HaveOpenat2()) {
    auto r = WalkFallback(comps, flags, follow_final, no_symlinks, mode);
    if (!r.ok()) return r.status().WithContext(Where(path));
    return r;
  }
  std::string rel = Join(comps, comps.size());
  uint64_t resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | (no_symlinks ? RESOLVE_NO_SYMLINKS : 0) |
                     (no_xdev_ ? RESOLVE_NO_XDEV : 0);
  uint64_t oflags = static_cast<uint64_t>(flags) | O_CLOEXEC | (follow_final ? 0 : O_NOFOLLOW);
  for (int attempt = 0; attempt < kOpenat2Retries; ++attempt) {
    int fd = Openat2(root_.get(), rel.c_str(), oflags, (flags & O_CREAT) ? mode : 0, resolve);
    if (fd >= 0) return UniqueFd(fd);
    if (errno == EAGAIN) continue;
    if (errno == ENOENT) return NotFound(fmt::format("{}: no such file or directory", Where(path)));
    return ErrnoError(fmt::format("openat2 {}", Where(path)));
  }
  return ErrnoError(fmt::format("openat2 {}", Where(path)), EAGAIN);
}

StatusOr<UniqueFd> RootFs::Open(std::string_view path, int flags, bool follow_final, mode_t mode) const {
  return Resolve(path, flags, follow_final, /*no_symlinks=*/false, mode);
}

StatusOr<ParentRef> RootFs::OpenParent(std::string_view path) const {
  std::vector<std::string> comps = CleanComponents(path);
  if (comps.empty()) return InvalidArgument(fmt::format("{} is the root directory itself", Where(path)));
  MB_ASSIGN_OR_RETURN(UniqueFd dir, Resolve(Join(comps, comps.size() - 1), O_PATH | O_DIRECTORY, true, false, 0));
  return ParentRef{std::move(dir), comps.back()};
}

StatusOr<struct stat> RootFs::Lstat(std::string_view path) const {
  MB_ASSIGN_OR_RETURN(UniqueFd fd, Resolve(path, O_PATH, false, false, 0));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return ErrnoError(fmt::format("fstat {}", Where(path)));
  return st;
}

StatusOr<struct stat> RootFs::Stat(std::string_view path) const {
  MB_ASSIGN_OR_RETURN(UniqueFd fd, Resolve(path, O_PATH, true, false, 0));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return ErrnoError(fmt::format("fstat {}", Where(path)));
  return st;
}

StatusOr<UniqueFd> RootFs::MkdirAll(std::string_view path, mode_t mode, std::optional<Ownership> owner) const {
  std::vector<std::string> comps = CleanComponents(path);
  UniqueFd cur(::fcntl(root_.get(), F_DUPFD_CLOEXEC, 0));
  if (!cur) return ErrnoError("dup root fd");
  for (size_t i = 0; i < comps.size(); ++i) {
    std::string prefix = Join(comps, i + 1);
    auto existing = Resolve(prefix, O_PATH | O_DIRECTORY, true, false, 0);
    if (existing.ok()) {
      cur = std::move(existing).value();
      continue;
    }
    if (existing.status().code() != StatusCode::kNotFound) return existing.status();
    const char* name = comps[i].c_str();
    bool created = ::mkdirat(cur.get(), name, mode) == 0;
    if (!created && errno != EEXIST) return ErrnoError(fmt::format("mkdirat {}", Where(prefix)));
    UniqueFd dir(::openat(cur.get(), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!dir) {
      return ErrnoError(fmt::format("{} exists and is not a directory (open)", Where(prefix)));
    }
    if (created) {
      if (owner && ::fchown(dir.get(), owner->uid, owner->gid) != 0) {
        return ErrnoError(fmt::format("fchown {}", Where(prefix)));
      }
      if (::fchmod(dir.get(), mode) != 0) return ErrnoError(fmt::format("fchmod {}", Where(prefix)));
    }
    UniqueFd pathfd(::openat(dir.get(), ".", O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!pathfd) return ErrnoError(fmt::format("openat {}", Where(prefix)));
    cur = std::move(pathfd);
  }
  return cur;
}

Status RemoveAllAt(int dirfd, const std::string& name) {
  struct stat st {};
  if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return Status::Ok();
    return ErrnoError(fmt::format("fstatat {}", name));
  }
  if (S_ISDIR(st.st_mode)) {
    UniqueFd fd(::openat(dirfd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd) return ErrnoError(fmt::format("open directory {}", name));
    MB_ASSIGN_OR_RETURN(std::vector<std::string> children, DirectoryNames(fd.get(), name));
    Status status;
    for (const auto& child : children) {
      status = RemoveAllAt(fd.get(), child);
      if (!status.ok()) break;
    }
    fd.Reset();
    MB_RETURN_IF_ERROR(status.WithContext(name));
    if (::unlinkat(dirfd, name.c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT) {
      return ErrnoError(fmt::format("rmdir {}", name));
    }
    return Status::Ok();
  }
  if (::unlinkat(dirfd, name.c_str(), 0) != 0 && errno != ENOENT) return ErrnoError(fmt::format("unlink {}", name));
  return Status::Ok();
}

StatusOr<UniqueFd> RootFs::WriteFile(std::string_view path, int source_fd, mode_t mode,
                                     std::optional<Ownership> owner) const {
  MB_ASSIGN_OR_RETURN(ParentRef p, OpenParent(path));
  MB_RETURN_IF_ERROR(RemoveAllAt(p.dir.get(), p.name).WithContext(Where(path)));
  UniqueFd fd(::openat(p.dir.get(), p.name.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!fd) return ErrnoError(fmt::format("create {}", Where(path)));
  if (source_fd >= 0) {
    // In-kernel copy of the data extents (holes stay holes), from the source's current offset to its end.
    MB_RETURN_IF_ERROR(CopyWithHoles(source_fd, fd.get()).WithContext("copy into " + Where(path)));
  }
  if (owner && ::fchown(fd.get(), owner->uid, owner->gid) != 0) return ErrnoError(fmt::format("fchown {}", Where(path)));
  if (::fchmod(fd.get(), mode & 07777) != 0) return ErrnoError(fmt::format("fchmod {}", Where(path)));
  return fd;
}

Status RootFs::Symlink(std::string_view target, std::string_view path) const {
  MB_ASSIGN_OR_RETURN(ParentRef p, OpenParent(path));
  MB_RETURN_IF_ERROR(RemoveAllAt(p.dir.get(), p.name).WithContext(Where(path)));
  if (::symlinkat(std::string(target).c_str(), p.dir.get(), p.name.c_str()) != 0) {
    return ErrnoError(fmt::format("symlink {}", Where(path)));
  }
  return Status::Ok();
}

Status RootFs::Hardlink(std::string_view existing, std::string_view path) const {
  auto src_comps = CleanComponents(existing);
  auto dst_comps = CleanComponents(path);
  if (src_comps == dst_comps) return InvalidArgument(fmt::format("hard link {} points to itself", Where(path)));
  MB_ASSIGN_OR_RETURN(ParentRef src, OpenParent(existing));
  struct stat st {};
  if (::fstatat(src.dir.get(), src.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) {
      return NotFound(fmt::format("hard link target {} does not exist (yet)", Where(existing)));
    }
    return ErrnoError(fmt::format("fstatat {}", Where(existing)));
  }
  if (S_ISDIR(st.st_mode)) {
    return InvalidArgument(fmt::format("hard link target {} is a directory", Where(existing)));
  }
  MB_ASSIGN_OR_RETURN(ParentRef dst, OpenParent(path));
  struct stat dst_st {};
  if (::fstatat(dst.dir.get(), dst.name.c_str(), &dst_st, AT_SYMLINK_NOFOLLOW) == 0 &&
      dst_st.st_ino == st.st_ino && dst_st.st_dev == st.st_dev) {
    return Status::Ok();
  }
  MB_RETURN_IF_ERROR(RemoveAllAt(dst.dir.get(), dst.name).WithContext(Where(path)));
  if (::linkat(src.dir.get(), src.name.c_str(), dst.dir.get(), dst.name.c_str(), 0) != 0) {
    return ErrnoError(fmt::format("link {} to {}", Where(path), Where(existing)));
  }
  return Status::Ok();
}

Status RootFs::Mknod(std::string_view path, mode_t mode, dev_t dev) const {
  MB_ASSIGN_OR_RETURN(ParentRef p, OpenParent(path));
  MB_RETURN_IF_ERROR(RemoveAllAt(p.dir.get(), p.name).WithContext(Where(path)));
  if (::mknodat(p.dir.get(), p.name.c_str(), mode, dev) != 0) return ErrnoError(fmt::format("mknod {}", Where(path)));
  return Status::Ok();
}

Status RootFs::Mkdir(std::string_view path, mode_t mode) const {
  MB_ASSIGN_OR_RETURN(ParentRef p, OpenParent(path));
  struct stat st {};
  if (::fstatat(p.dir.get(), p.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
    if (S_ISDIR(st.st_mode)) return Status::Ok();
    MB_RETURN_IF_ERROR(RemoveAllAt(p.dir.get(), p.name).WithContext(Where(path)));
  }
  if (::mkdirat(p.dir.get(), p.name.c_str(), mode & 07777) != 0) return ErrnoError(fmt::format("mkdir {}", Where(path)));
  return Status::Ok();
}

Status RootFs::Chmod(std::string_view path, mode_t mode) const {
  MB_ASSIGN_OR_RETURN(UniqueFd fd, Resolve(path, O_PATH, false, false, 0));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return ErrnoError(fmt::format("fstat {}", Where(path)));
  if (S_ISLNK(st.st_mode)) return Status::Ok();
  // chmod through the fd's /proc entry acts on the inode the fd holds, never on a path that can be swapped.
  if (::chmod(ProcFdPath(fd.get()).c_str(), mode & 07777) != 0) return ErrnoError(fmt::format("chmod {}", Where(path)));
  return Status::Ok();
}

Status RootFs::Chown(std::string_view path, uint32_t uid, uint32_t gid) const {
  MB_ASSIGN_OR_RETURN(UniqueFd fd, Resolve(path, O_PATH, false, false, 0));
  if (::fchownat(fd.get(), "", uid, gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) != 0) {
    return ErrnoError(fmt::format("chown {}", Where(path)));
  }
  return Status::Ok();
}

Status RootFs::SetMtime(std::string_view path, const Timestamp& mtime) const {
  std::vector<std::string> comps = CleanComponents(path);
  struct timespec ts[2];
  ts[0].tv_sec = mtime.seconds;
  ts[0].tv_nsec = mtime.nanoseconds;
  ts[1] = ts[0];
  if (comps.empty()) {
    if (::utimensat(AT_FDCWD, ProcFdPath(root_.get()).c_str(), ts, 0) != 0) return ErrnoError("utimensat root");
    return Status::Ok();
  }
  MB_ASSIGN_OR_RETURN(ParentRef p, OpenParent(path));
  if (::utimensat(p.dir.get(), p.name.c_str(), ts, AT_SYMLINK_NOFOLLOW) != 0) {
    return ErrnoError(fmt::format("utimensat {}", Where(path)));
  }
  return Status::Ok();
}

Status RootFs::SetXattr(std::string_view path, const std::string& name, const std::string& value) const {
  MB_ASSIGN_OR_RETURN(UniqueFd fd, Resolve(path, O_PATH, false, false, 0));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return ErrnoError(fmt::format("fstat {}", Where(path)));
  if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
    return InvalidArgument(fmt::format("xattr {} on {}: only files and directories carry xattrs", name, Where(path)));
  }
  if (::setxattr(ProcFdPath(fd.get()).c_str(), name.c_str(), value.data(), value.size(), 0) != 0) {
    return ErrnoError(fmt::format("setxattr {} on {}", name, Where(path)));
  }
  return Status::Ok();
}

Status RootFs::RemoveAll(std::string_view path) const {
  std::vector<std::string> comps = CleanComponents(path);
  if (comps.empty()) return InvalidArgument(fmt::format("refusing to remove the root {}", description_));
  auto p = OpenParent(path);
  if (!p.ok()) {
    if (p.status().code() == StatusCode::kNotFound) return Status::Ok();
    return p.status();
  }
  return RemoveAllAt(p->dir.get(), p->name).WithContext(Where(path));
}

StatusOr<std::string> RootFs::ReadRegularFileNoFollow(std::string_view path, uint64_t max_bytes) const {
  MB_ASSIGN_OR_RETURN(UniqueFd pathfd, Resolve(path, O_PATH, false, /*no_symlinks=*/true, 0));
  struct stat st {};
  if (::fstat(pathfd.get(), &st) != 0) return ErrnoError(fmt::format("fstat {}", Where(path)));
  if (!S_ISREG(st.st_mode)) return InvalidArgument(fmt::format("{} is not a regular file", Where(path)));
  if (static_cast<uint64_t>(st.st_size) > max_bytes) {
    return ResourceExhausted(fmt::format("{} is {} bytes, more than the limit of {}", Where(path), st.st_size, max_bytes));
  }
  // Re-open the verified inode (not the path) for reading.
  UniqueFd fd(::open(ProcFdPath(pathfd.get()).c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (!fd) return ErrnoError(fmt::format("open {}", Where(path)));
  std::string out;
  std::vector<char> buf(1 << 16);
  while (true) {
    ssize_t n = ::read(fd.get(), buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError(fmt::format("read {}", Where(path)));
    }
    if (n == 0) break;
    out.append(buf.data(), static_cast<size_t>(n));
    if (out.size() > max_bytes) return ResourceExhausted(fmt::format("{} grew past {} bytes", Where(path), max_bytes));
  }
  return out;
}

}  // namespace mybuild::snapshotter

#include "snapshotter/tree_copy.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <map>
#include <string>
#include <vector>

#include "fmt/format.h"
#include "src/base/dir_names.h"
#include "src/base/sparse_map.h"
#include "src/base/unique_fd.h"

namespace mybuild::snapshotter {
namespace {

struct Copier {
  std::map<std::pair<dev_t, ino_t>, std::string> links;  // inode → first copied path (relative to dst root)
  int dst_root = -1;

  static std::string Proc(int dirfd, const std::string& name) {
    return name.empty() ? fmt::format("/proc/self/fd/{}", dirfd) : fmt::format("/proc/self/fd/{}/{}", dirfd, name);
  }

  static Status CopyXattrs(const std::string& from, const std::string& to, const std::string& where) {
    ssize_t len = ::llistxattr(from.c_str(), nullptr, 0);
    if (len <= 0) return Status::Ok();
    std::string names(static_cast<size_t>(len), '\0');
    len = ::llistxattr(from.c_str(), names.data(), names.size());
    if (len < 0) return Status::Ok();
    names.resize(static_cast<size_t>(len));
    for (size_t i = 0; i < names.size();) {
      std::string key = names.c_str() + i;
      i += key.size() + 1;
      if (key.rfind("trusted.overlay.", 0) == 0) continue;
      ssize_t vlen = ::lgetxattr(from.c_str(), key.c_str(), nullptr, 0);
      if (vlen < 0) continue;
      std::string v(static_cast<size_t>(vlen), '\0');
      vlen = ::lgetxattr(from.c_str(), key.c_str(), v.data(), v.size());
      if (vlen < 0) continue;
      v.resize(static_cast<size_t>(vlen));
      if (::lsetxattr(to.c_str(), key.c_str(), v.data(), v.size(), 0) != 0 && errno != ENOTSUP &&
          errno != EOPNOTSUPP && errno != EPERM) {
        return ErrnoError(fmt::format("lsetxattr {} on {}", key, where));
      }
    }
    return Status::Ok();
  }

  static Status SetMeta(int dirfd, const std::string& name, const struct stat& st, const std::string& where) {
    if (::fchownat(dirfd, name.c_str(), st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) != 0) {
      return ErrnoError(fmt::format("lchown {}", where));
    }
    if (!S_ISLNK(st.st_mode) && ::fchmodat(dirfd, name.c_str(), st.st_mode & 07777, 0) != 0) {
      return ErrnoError(fmt::format("chmod {}", where));
    }
    struct timespec ts[2] = {st.st_atim, st.st_mtim};
    if (::utimensat(dirfd, name.c_str(), ts, AT_SYMLINK_NOFOLLOW) != 0) return ErrnoError(fmt::format("utimensat {}", where));
    return Status::Ok();
  }

  Status CopyDir(int src, int dst, const std::string& rel) {
    MB_ASSIGN_OR_RETURN(std::vector<std::string> names, DirectoryNames(src, rel.empty() ? "/" : rel));
    for (const auto& n : names) MB_RETURN_IF_ERROR(CopyOne(src, dst, n, rel.empty() ? n : rel + "/" + n));
    return Status::Ok();
  }

  Status CopyOne(int src, int dst, const std::string& name, const std::string& rel) {
    struct stat st {};
    if (::fstatat(src, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return ErrnoError(fmt::format("lstat {}", rel));
    const char* n = name.c_str();
    if (!S_ISDIR(st.st_mode) && st.st_nlink > 1) {
      auto it = links.find({st.st_dev, st.st_ino});
      if (it != links.end()) {
        if (::linkat(dst_root, it->second.c_str(), dst, n, 0) != 0) return ErrnoError(fmt::format("link {}", rel));
        return Status::Ok();
      }
      links.emplace(std::make_pair(st.st_dev, st.st_ino), rel);
    }
    if (S_ISDIR(st.st_mode)) {
      if (::mkdirat(dst, n, 0700) != 0) return ErrnoError(fmt::format("mkdir {}", rel));
      UniqueFd s(::openat(src, n, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      UniqueFd t(::openat(dst, n, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (!s || !t) return ErrnoError(fmt::format("open {}", rel));
      MB_RETURN_IF_ERROR(CopyDir(s.get(), t.get(), rel));
    } else if (S_ISREG(st.st_mode)) {
      UniqueFd in(::openat(src, n, O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
      if (!in) return ErrnoError(fmt::format("open {}", rel));
      UniqueFd out(::openat(dst, n, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
      if (!out) return ErrnoError(fmt::format("create {}", rel));
      if (::ioctl(out.get(), FICLONE, in.get()) != 0) {
        MB_RETURN_IF_ERROR(CopyWithHoles(in.get(), out.get()).WithContext(rel));
      }
    } else if (S_ISLNK(st.st_mode)) {
      std::string buf(4096, '\0');
      ssize_t len = ::readlinkat(src, n, buf.data(), buf.size());
      if (len < 0) return ErrnoError(fmt::format("readlink {}", rel));
      buf.resize(static_cast<size_t>(len));
      if (::symlinkat(buf.c_str(), dst, n) != 0) return ErrnoError(fmt::format("symlink {}", rel));
    } else {
      if (::mknodat(dst, n, st.st_mode, st.st_rdev) != 0) return ErrnoError(fmt::format("mknod {}", rel));
    }
    if (!S_ISLNK(st.st_mode)) MB_RETURN_IF_ERROR(CopyXattrs(Proc(src, name), Proc(dst, name), rel));
    return SetMeta(dst, name, st, rel);
  }
};

}  // namespace

Status CopyTree(const std::filesystem::path& src, const std::filesystem::path& dst) {
  UniqueFd s(::open(src.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!s) return ErrnoError(fmt::format("open {}", src.string()));
  UniqueFd t(::open(dst.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!t) return ErrnoError(fmt::format("open {}", dst.string()));
  Copier c;
  c.dst_root = t.get();
  MB_RETURN_IF_ERROR(c.CopyDir(s.get(), t.get(), "").WithContext(fmt::format("copying {} to {}", src.string(), dst.string())));
  struct stat st {};
  if (::fstat(s.get(), &st) != 0) return ErrnoError("fstat");
  MB_RETURN_IF_ERROR(Copier::CopyXattrs(Copier::Proc(s.get(), ""), Copier::Proc(t.get(), ""), dst.string()));
  if (::fchownat(t.get(), "", st.st_uid, st.st_gid, AT_EMPTY_PATH) != 0) return ErrnoError("chown root");
  if (::chmod(Copier::Proc(t.get(), "").c_str(), st.st_mode & 07777) != 0) return ErrnoError("chmod root");
  struct timespec ts[2] = {st.st_atim, st.st_mtim};
  if (::utimensat(AT_FDCWD, Copier::Proc(t.get(), "").c_str(), ts, 0) != 0) return ErrnoError("utimensat root");
  return Status::Ok();
}

}  // namespace mybuild::snapshotter

#include "src/fileops/source_walker.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <vector>

#include "src/base/dir_names.h"
#include "src/fileops/path_match.h"

namespace mybuild::fileops {
namespace {

StatusOr<std::string> ReadLinkAt(int dirfd, const std::string& name, const std::string& where) {
  std::string buf(kMaxSymlinkTarget + 1, '\0');
  ssize_t n = ::readlinkat(dirfd, name.c_str(), buf.data(), buf.size());
  if (n < 0) return ErrnoError("readlink " + where);
  if (static_cast<size_t>(n) > kMaxSymlinkTarget) return ResourceExhausted("symlink target of " + where + " is too long");
  buf.resize(static_cast<size_t>(n));
  return buf;
}

StatusOr<std::vector<std::string>> ListDirectory(int dirfd, const std::string& where) { return DirectoryNames(dirfd, where); }

// getxattr of `name` in the directory `dirfd`, not following a final symlink: getxattrat(2) (Linux 6.13)
// when the kernel has it, else through the directory's /proc/self/fd link (about three times slower).
ssize_t GetXattrAt(int dirfd, const std::string& name, const char* key, std::string* value) {
#if defined(__x86_64__) || defined(__aarch64__)
  constexpr long kGetxattrat = 464;  // the same number on every architecture (asm-generic table)
#else
  constexpr long kGetxattrat = -1;
#endif
  struct XattrArgs {
    uint64_t value;
    uint32_t size;
    uint32_t flags;
  };
  static std::atomic<bool> have_getxattrat{kGetxattrat > 0};
  if (have_getxattrat.load(std::memory_order_relaxed)) {
    XattrArgs args{reinterpret_cast<uintptr_t>(value->data()), static_cast<uint32_t>(value->size()), 0};
    long n = ::syscall(kGetxattrat, dirfd, name.c_str(), AT_SYMLINK_NOFOLLOW, key, &args, sizeof args);
    if (n >= 0 || (errno != ENOSYS && errno != EPERM)) return static_cast<ssize_t>(n);
    // ENOSYS: an older kernel; EPERM: a seccomp filter that does not know the call.
    have_getxattrat.store(false, std::memory_order_relaxed);
  }
  const std::string path = "/proc/self/fd/" + std::to_string(dirfd) + "/" + name;
  return ::lgetxattr(path.c_str(), key, value->data(), value->size());
}

class Walker {
 public:
  Walker(const PathFilter* filter, SourceVisitor& visitor) : filter_(filter), visitor_(visitor) {}

  // Visits the children of the directory `dirfd` (whose entry is `dir`).
  Status WalkChildren(int dirfd, const SourceEntry& dir, int depth) {
    if (depth > kMaxWalkDepth) return ResourceExhausted("source tree deeper than " + std::to_string(kMaxWalkDepth) + " levels at " + dir.root_rel);
    MB_ASSIGN_OR_RETURN(std::vector<std::string> names, ListDirectory(dirfd, Describe(dir.root_rel)));
    for (const std::string& name : names) {
      SourceEntry entry;
      entry.rel = JoinPath(dir.rel, name);
      entry.root_rel = JoinPath(dir.root_rel, name);
      entry.parent_fd = dirfd;
      entry.name = name;
      if (::fstatat(dirfd, name.c_str(), &entry.st, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno == ENOENT) continue;  // vanished while walking
        return ErrnoError("lstat " + Describe(entry.root_rel));
      }
      bool is_dir = S_ISDIR(entry.st.st_mode);
      bool excluded = filter_ && filter_->ExcludedBelowSource(entry.root_rel, entry.rel);
      if (excluded && !(is_dir && filter_->MayReincludeBelowSource(entry.root_rel, entry.rel))) continue;
      if (S_ISLNK(entry.st.st_mode)) {
        MB_ASSIGN_OR_RETURN(entry.link_target, ReadLinkAt(dirfd, name, Describe(entry.root_rel)));
      }
      if (!is_dir) {
        MB_RETURN_IF_ERROR(Emit(entry));
        continue;
      }
      UniqueFd child(::openat(dirfd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (!child) return ErrnoError("open directory " + Describe(entry.root_rel));
      pending_.push_back({&entry, false});
      if (!excluded) MB_RETURN_IF_ERROR(FlushPending());
      MB_RETURN_IF_ERROR(WalkChildren(child.get(), entry, depth + 1));
      bool emitted = pending_.back().emitted;
      pending_.pop_back();
      if (emitted) MB_RETURN_IF_ERROR(visitor_.LeaveDirectory(entry));
    }
    return Status::Ok();
  }

  Status Emit(const SourceEntry& entry) {
    MB_RETURN_IF_ERROR(FlushPending());
    return visitor_.Visit(entry);
  }

 private:
  struct Pending {
    const SourceEntry* entry;
    bool emitted;
  };

  // Visits directories that were held back (excluded, but with a re-included descendant).
  Status FlushPending() {
    for (Pending& p : pending_) {
      if (p.emitted) continue;
      MB_RETURN_IF_ERROR(visitor_.Visit(*p.entry));
      p.emitted = true;
    }
    return Status::Ok();
  }

  static std::string Describe(const std::string& root_rel) { return "\"/" + root_rel + "\""; }

  const PathFilter* filter_;
  SourceVisitor& visitor_;
  std::vector<Pending> pending_;
};

// Stops the walk at the first entry below the walked directory.
class FirstEntryFinder : public SourceVisitor {
 public:
  Status Visit(const SourceEntry& entry) override {
    if (entry.rel.empty()) return Status::Ok();
    found_ = true;
    return Status(StatusCode::kCancelled, "found");
  }
  bool found() const { return found_; }

 private:
  bool found_ = false;
};

}  // namespace

StatusOr<bool> WalkFindsEntryBelow(const snapshotter::RootFs& root, const std::string& root_rel,
                                   const PathFilter& filter) {
  FirstEntryFinder finder;
  Status walked = WalkSource(root, root_rel, &filter, finder);
  if (finder.found()) return true;
  MB_RETURN_IF_ERROR(walked);
  return false;
}

StatusOr<UniqueFd> SourceEntry::OpenContent() const {
  UniqueFd fd;
  if (self_fd >= 0) {
    // Re-open the O_PATH fd of the resolved object through its magic link (which must be followed).
    std::string proc = "/proc/self/fd/" + std::to_string(self_fd);
    fd.Reset(::open(proc.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  } else {
    fd.Reset(::openat(parent_fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  }
  if (!fd) return ErrnoError("open \"/" + root_rel + "\"");
  struct stat now {};
  if (::fstat(fd.get(), &now) != 0) return ErrnoError("fstat \"/" + root_rel + "\"");
  if (!S_ISREG(now.st_mode)) return FailedPrecondition("\"/" + root_rel + "\" is no longer a regular file");
  int flags = ::fcntl(fd.get(), F_GETFL);
  if (flags >= 0) ::fcntl(fd.get(), F_SETFL, flags & ~O_NONBLOCK);
  return fd;
}

StatusOr<std::map<std::string, std::string>> SourceEntry::LayerXattrs(int content_fd) const {
  static constexpr const char* kCarried[] = {"security.capability"};
  std::map<std::string, std::string> out;
  if (!S_ISREG(st.st_mode)) return out;
  for (const char* key : kCarried) {
    std::string value(256, '\0');
    ssize_t n = -1;
    if (content_fd >= 0) {
      n = ::fgetxattr(content_fd, key, value.data(), value.size());
    } else if (self_fd >= 0) {
      // The magic link of the walked source resolves to the file itself.
      n = ::getxattr(("/proc/self/fd/" + std::to_string(self_fd)).c_str(), key, value.data(), value.size());
    } else {
      n = GetXattrAt(parent_fd, name, key, &value);
    }
    if (n < 0) {
      if (errno == ENODATA || errno == ENOTSUP || errno == EOPNOTSUPP) continue;
      return ErrnoError(std::string("getxattr ") + key + " of \"/" + root_rel + "\"");
    }
    value.resize(static_cast<size_t>(n));
    out.emplace(key, std::move(value));
  }
  return out;
}

StatusOr<struct stat> StatSource(const snapshotter::RootFs& root, const std::string& root_rel) {
  return root.Stat(root_rel.empty() ? "." : root_rel);
}

Status WalkSource(const snapshotter::RootFs& root, const std::string& root_rel, const PathFilter* filter,
                  SourceVisitor& visitor) {
  std::string path = root_rel.empty() ? "." : root_rel;
  MB_ASSIGN_OR_RETURN(UniqueFd self, root.Open(path, O_PATH, /*follow_final=*/true));
  SourceEntry top;
  top.root_rel = root_rel == "." ? "" : root_rel;
  top.self_fd = self.get();
  if (::fstat(self.get(), &top.st) != 0) return ErrnoError("fstat \"/" + top.root_rel + "\"");
  Walker walker(filter, visitor);
  if (!S_ISDIR(top.st.st_mode)) return walker.Emit(top);
  UniqueFd dir(::openat(self.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir) return ErrnoError("open directory \"/" + top.root_rel + "\"");
  MB_RETURN_IF_ERROR(visitor.Visit(top));
  MB_RETURN_IF_ERROR(walker.WalkChildren(dir.get(), top, 1));
  return visitor.LeaveDirectory(top);
}

}  // namespace mybuild::fileops

#include "snapshotter/diff.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "fmt/format.h"
#include "snapshotter/overlay_options.h"
#include "src/base/dir_names.h"
#include "src/base/sparse_map.h"
#include "src/base/unique_fd.h"

namespace mybuild::snapshotter {
namespace {

bool KeepXattr(std::string_view name) {
  if (IsOverlayPrivateXattr(name)) return false;
  return name.starts_with("user.") || name == "security.capability" || name == "system.posix_acl_access" ||
         name == "system.posix_acl_default";
}

struct Node {
  struct stat st {};
  std::string link;
  std::map<std::string, std::string> xattrs;
  bool opaque = false;
};

std::string ChildPath(int dirfd, const std::string& name) { return fmt::format("/proc/self/fd/{}/{}", dirfd, name); }

StatusOr<std::optional<Node>> ReadNode(int dirfd, const std::string& name, const std::string& where) {
  Node n;
  if (::fstatat(dirfd, name.c_str(), &n.st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return std::optional<Node>();
    return ErrnoError(fmt::format("lstat {}", where));
  }
  if (S_ISLNK(n.st.st_mode)) {
    std::string buf(4096, '\0');
    ssize_t len = ::readlinkat(dirfd, name.c_str(), buf.data(), buf.size());
    if (len < 0) return ErrnoError(fmt::format("readlink {}", where));
    buf.resize(static_cast<size_t>(len));
    n.link = std::move(buf);
    return std::optional<Node>(std::move(n));
  }
  std::string p = ChildPath(dirfd, name);
  ssize_t len = ::llistxattr(p.c_str(), nullptr, 0);
  if (len < 0) {
    if (errno == ENOTSUP || errno == EOPNOTSUPP) return std::optional<Node>(std::move(n));
    return ErrnoError(fmt::format("llistxattr {}", where));
  }
  std::string names(static_cast<size_t>(len), '\0');
  len = ::llistxattr(p.c_str(), names.data(), names.size());
  if (len < 0) return ErrnoError(fmt::format("llistxattr {}", where));
  names.resize(static_cast<size_t>(len));
  for (size_t i = 0; i < names.size();) {
    std::string key = names.c_str() + i;
    i += key.size() + 1;
    bool opaque_key = key == OverlayOpaqueXattr();
    if (!KeepXattr(key) && !opaque_key) continue;
    ssize_t vlen = ::lgetxattr(p.c_str(), key.c_str(), nullptr, 0);
    if (vlen < 0) continue;
    std::string value(static_cast<size_t>(vlen), '\0');
    vlen = ::lgetxattr(p.c_str(), key.c_str(), value.data(), value.size());
    if (vlen < 0) continue;
    value.resize(static_cast<size_t>(vlen));
    if (opaque_key) {
      n.opaque = value == "y";
    } else {
      n.xattrs[key] = std::move(value);
    }
  }
  return std::optional<Node>(std::move(n));
}

StatusOr<std::vector<std::string>> ListDir(int dirfd, const std::string& where) { return DirectoryNames(dirfd, where); }

// Compares the bytes of two files of `size` bytes where either has data on disk; where both have holes
// both read as zeros, so a 16 GiB sparse file costs its data, not its size.
bool SameContent(int adir, int bdir, const std::string& name, uint64_t size) {
  UniqueFd a(::openat(adir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  UniqueFd b(::openat(bdir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!a || !b) return false;
  StatusOr<std::vector<DataExtent>> ea = DiskExtents(a.get(), size);
  StatusOr<std::vector<DataExtent>> eb = DiskExtents(b.get(), size);
  if (!ea.ok() || !eb.ok()) return false;
  std::vector<DataExtent> ranges = *ea;
  ranges.insert(ranges.end(), eb->begin(), eb->end());
  std::sort(ranges.begin(), ranges.end(), [](const DataExtent& x, const DataExtent& y) { return x.offset < y.offset; });
  std::vector<char> ba(1 << 16), bb(1 << 16);
  uint64_t done = 0;  // bytes before it are compared
  for (const DataExtent& range : ranges) {
    for (uint64_t pos = std::max(done, range.offset); pos < range.offset + range.length;) {
      const size_t step = static_cast<size_t>(std::min<uint64_t>(ba.size(), range.offset + range.length - pos));
      if (::pread(a.get(), ba.data(), step, static_cast<off_t>(pos)) != static_cast<ssize_t>(step)) return false;
      if (::pread(b.get(), bb.data(), step, static_cast<off_t>(pos)) != static_cast<ssize_t>(step)) return false;
      if (std::memcmp(ba.data(), bb.data(), step) != 0) return false;
      pos += step;
      done = pos;
    }
  }
  return true;
}

EntryType TypeOf(mode_t m) {
  if (S_ISDIR(m)) return EntryType::kDirectory;
  if (S_ISLNK(m)) return EntryType::kSymlink;
  if (S_ISCHR(m)) return EntryType::kCharDevice;
  if (S_ISBLK(m)) return EntryType::kBlockDevice;
  if (S_ISFIFO(m)) return EntryType::kFifo;
  return EntryType::kRegular;
}

class Differ {
 public:
  Differ(bool overlay, std::filesystem::path upper_root) : overlay_(overlay), upper_root_(std::move(upper_root)) {}

  // Walks the directory `rel` ("" = root): upper_fd is open, lower_fd is -1 when the lower has no such dir.
  // `hides_lower`: the upper directory replaces the lower one's listing (native: always, the upper is a full
  // tree; overlay: an opaque directory or anything below one); otherwise lower entries the upper does not
  // name are still there. Returns whether anything below was emitted.
  //
  // Both sources decide deletions the same way, from the lower listing and the resulting listing only: a
  // directory (other than the root) that had entries in the lower and keeps none of their names gets one
  // ".wh..wh..opq" entry and everything in it is new; otherwise each lower name that is gone gets a
  // ".wh.name" entry. So `rm -rf d && mkdir d && touch d/new` gives an opaque directory from both, and
  // deleting some entries gives whiteouts from both, whatever overlayfs recorded.
  StatusOr<bool> Walk(const std::string& rel, int upper_fd, int lower_fd, bool hides_lower) {
    MB_ASSIGN_OR_RETURN(std::vector<std::string> names, ListDir(upper_fd, Where(rel)));
    bool emitted = false;
    std::set<std::string> overlay_whiteouts;
    if (overlay_) {
      for (const auto& name : names) {
        struct stat wst {};
        if (::fstatat(upper_fd, name.c_str(), &wst, AT_SYMLINK_NOFOLLOW) == 0 && S_ISCHR(wst.st_mode) &&
            wst.st_rdev == makedev(0, 0)) {
          overlay_whiteouts.insert(name);
        }
      }
    }
    if (lower_fd >= 0) {
      MB_ASSIGN_OR_RETURN(std::vector<std::string> lower_names, ListDir(lower_fd, Where(rel)));
      std::vector<std::string> gone;
      for (const auto& n : lower_names) {
        bool in_upper = std::binary_search(names.begin(), names.end(), n) && !overlay_whiteouts.contains(n);
        bool still_there = in_upper || (!hides_lower && !overlay_whiteouts.contains(n));
        if (!still_there) gone.push_back(n);
      }
      if (!rel.empty() && !lower_names.empty() && gone.size() == lower_names.size()) {
        Whiteout(Join(rel, ".wh..wh..opq"));
        emitted = true;
        lower_fd = -1;  // everything below is new
      } else {
        for (const auto& n : gone) {
          Whiteout(Join(rel, ".wh." + n));
          emitted = true;
        }
      }
    }
    for (const auto& name : names) {
      std::string path = Join(rel, name);
      if (overlay_whiteouts.contains(name)) {
        // Deletions were decided above; without any lower view a whiteout is kept as it is.
        if (no_lower_view_) {
          Whiteout(Join(rel, ".wh." + name));
          emitted = true;
        }
        continue;
      }
      if (name.rfind(".wh.", 0) == 0) {
        return InvalidArgument(fmt::format(
            "\"{}\": a file whose name starts with \".wh.\" cannot be stored in a layer (it reads as a whiteout)",
            path));
      }
      MB_ASSIGN_OR_RETURN(std::optional<Node> up, ReadNode(upper_fd, name, Where(path)));
      if (!up) continue;  // vanished
      std::optional<Node> low;
      if (lower_fd >= 0) {
        MB_ASSIGN_OR_RETURN(low, ReadNode(lower_fd, name, "lower " + path));
      }
      const struct stat& st = up->st;
      if (S_ISDIR(st.st_mode)) {
        bool lower_is_dir = low && S_ISDIR(low->st.st_mode);
        UniqueFd child(::openat(upper_fd, name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!child) return ErrnoError(fmt::format("open {}", Where(path)));
        UniqueFd lower_child;
        if (lower_is_dir) {
          lower_child.Reset(::openat(lower_fd, name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
          if (!lower_child) return ErrnoError(fmt::format("open lower {}", path));
        }
        size_t at = entries_.size();
        entries_.push_back(Make(path, *up));
        bool child_hides_lower = !overlay_ || hides_lower || up->opaque;
        MB_ASSIGN_OR_RETURN(bool below, Walk(path, child.get(), lower_child ? lower_child.get() : -1,
                                             child_hides_lower));
        bool changed = !lower_is_dir || !SameMeta(*up, *low);
        if (!changed && !below) {
          entries_.erase(entries_.begin() + static_cast<ptrdiff_t>(at));
        } else {
          emitted = true;
        }
        continue;
      }
      if (low && SameMeta(*up, *low) && SameFileData(*up, *low, upper_fd, lower_fd, name)) continue;
      entries_.push_back(Make(path, *up));
      if (S_ISREG(st.st_mode) && st.st_nlink > 1) inodes_[path] = {st.st_dev, st.st_ino};
      emitted = true;
    }
    return emitted;
  }

  void SetNoLowerView() { no_lower_view_ = true; }

  std::vector<LayerEntry> Finish() {
    std::stable_sort(entries_.begin(), entries_.end(),
                     [](const LayerEntry& a, const LayerEntry& b) { return EntryPathLess(a.path, b.path); });
    std::map<std::pair<dev_t, ino_t>, std::string> first;
    for (auto& e : entries_) {
      auto it = inodes_.find(e.path);
      if (it == inodes_.end()) continue;
      auto [pos, inserted] = first.emplace(it->second, e.path);
      if (inserted) continue;
      e.type = EntryType::kHardlink;
      e.linkname = pos->second;
      e.size = 0;
      e.source.clear();
    }
    return std::move(entries_);
  }

 private:
  static std::string Join(const std::string& rel, const std::string& name) {
    return rel.empty() ? name : rel + "/" + name;
  }
  std::string Where(const std::string& rel) const { return (upper_root_ / rel).string(); }

  void Whiteout(std::string path) {
    LayerEntry e;
    e.path = std::move(path);
    e.type = EntryType::kWhiteout;
    entries_.push_back(std::move(e));
  }

  LayerEntry Make(const std::string& path, const Node& n) const {
    LayerEntry e;
    e.path = path;
    e.type = TypeOf(n.st.st_mode);
    e.mode = n.st.st_mode & 07777;
    e.uid = n.st.st_uid;
    e.gid = n.st.st_gid;
    e.mtime = Timestamp{n.st.st_mtim.tv_sec, static_cast<uint32_t>(n.st.st_mtim.tv_nsec)};
    e.xattrs = n.xattrs;
    if (e.type == EntryType::kRegular) {
      e.size = static_cast<uint64_t>(n.st.st_size);
      e.source = upper_root_ / path;
    } else if (e.type == EntryType::kSymlink) {
      e.linkname = n.link;
    } else if (e.type == EntryType::kCharDevice || e.type == EntryType::kBlockDevice) {
      e.devmajor = major(n.st.st_rdev);
      e.devminor = minor(n.st.st_rdev);
    }
    return e;
  }

  static bool SameMeta(const Node& a, const Node& b) {
    if ((a.st.st_mode & S_IFMT) != (b.st.st_mode & S_IFMT)) return false;
    if ((a.st.st_mode & 07777) != (b.st.st_mode & 07777)) return false;
    if (a.st.st_uid != b.st.st_uid || a.st.st_gid != b.st.st_gid) return false;
    if (a.xattrs != b.xattrs || a.link != b.link) return false;
    if ((S_ISCHR(a.st.st_mode) || S_ISBLK(a.st.st_mode)) && a.st.st_rdev != b.st.st_rdev) return false;
    return true;
  }

  static bool SameFileData(const Node& a, const Node& b, int adir, int bdir, const std::string& name) {
    if (!S_ISREG(a.st.st_mode)) {
      if (S_ISLNK(a.st.st_mode)) return true;  // target compared in SameMeta
      return a.st.st_mtim.tv_sec == b.st.st_mtim.tv_sec && a.st.st_mtim.tv_nsec == b.st.st_mtim.tv_nsec;
    }
    if (a.st.st_size != b.st.st_size) return false;
    if (a.st.st_mtim.tv_sec != b.st.st_mtim.tv_sec || a.st.st_mtim.tv_nsec != b.st.st_mtim.tv_nsec) return false;
    if (a.st.st_mtim.tv_nsec != 0) return true;
    return SameContent(adir, bdir, name, static_cast<uint64_t>(a.st.st_size));
  }

  bool overlay_;
  bool no_lower_view_ = false;
  std::filesystem::path upper_root_;
  std::vector<LayerEntry> entries_;
  std::map<std::string, std::pair<dev_t, ino_t>> inodes_;
};

StatusOr<std::vector<LayerEntry>> Run(bool overlay, const std::filesystem::path& lower,
                                      const std::filesystem::path& upper) {
  UniqueFd up(::open(upper.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!up) return ErrnoError(fmt::format("open upper {}", upper.string()));
  UniqueFd low;
  if (!lower.empty()) {
    low.Reset(::open(lower.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!low) return ErrnoError(fmt::format("open lower {}", lower.string()));
  }
  Differ d(overlay, upper);
  if (!low) d.SetNoLowerView();
  MB_ASSIGN_OR_RETURN(bool any, d.Walk("", up.get(), low ? low.get() : -1, !overlay));
  (void)any;
  return d.Finish();
}

}  // namespace

StatusOr<std::vector<LayerEntry>> DiffTrees(const std::filesystem::path& lower, const std::filesystem::path& upper) {
  return Run(false, lower, upper);
}

StatusOr<std::vector<LayerEntry>> DiffOverlayUpper(const std::filesystem::path& upper,
                                                   const std::filesystem::path& lower_view) {
  return Run(true, lower_view, upper);
}

}  // namespace mybuild::snapshotter

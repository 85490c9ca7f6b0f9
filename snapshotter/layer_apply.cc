#include "snapshotter/layer_apply.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>
#include "src/base/dir_names.h"
#include "src/base/tar_names.h"

#include "fmt/format.h"
#include "snapshotter/overlay_options.h"

namespace mybuild::snapshotter {
namespace {

constexpr std::string_view kWhiteoutPrefix = ".wh.";
constexpr std::string_view kOpaqueMarker = ".wh..wh..opq";
constexpr std::string_view kAufsMetaPrefix = ".wh..wh.";

struct ArchiveDeleter {
  void operator()(struct archive* a) const { archive_read_free(a); }
};
using ArchivePtr = std::unique_ptr<struct archive, ArchiveDeleter>;

using InodeKey = std::pair<dev_t, ino_t>;

Status EntryError(std::string_view name, const Status& status) {
  return Status(status.code(), fmt::format("layer entry \"{}\": {}", name, status.message()));
}

Status EntryInvalid(std::string_view name, const std::string& why) {
  return InvalidArgument(fmt::format("layer entry \"{}\": {}", name, why));
}

// Splits and validates a tar path: no "..", no control line breaks, bounded. Leading "/" and "." dropped.
StatusOr<std::vector<std::string>> CleanEntryPath(std::string_view raw, std::string_view entry_name,
                                                  const ApplyOptions& o, const char* what) {
  if (raw.size() > o.max_path_bytes) {
    return ResourceExhausted(fmt::format("layer entry \"{}\": {} is {} bytes long, the limit is {}",
                                         entry_name.substr(0, 256), what, raw.size(), o.max_path_bytes));
  }
  for (char c : raw) {
    if (c == '\n' || c == '\r' || c == '\0') {
      return EntryInvalid(entry_name, fmt::format("{} contains a NUL or line-break byte", what));
    }
  }
  std::vector<std::string> comps;
  size_t i = 0;
  while (i <= raw.size()) {
    size_t e = raw.find('/', i);
    if (e == std::string_view::npos) e = raw.size();
    std::string_view c = raw.substr(i, e - i);
    if (c == "..") return EntryInvalid(entry_name, fmt::format("{} has a \"..\" component (escapes the root)", what));
    if (c.size() > o.max_name_bytes) {
      return ResourceExhausted(fmt::format("layer entry \"{}\": a component of the {} is longer than {} bytes",
                                           entry_name.substr(0, 256), what, o.max_name_bytes));
    }
    if (!c.empty() && c != ".") comps.emplace_back(c);
    i = e + 1;
  }
  if (comps.size() > o.max_depth) {
    return ResourceExhausted(fmt::format("layer entry \"{}\": {} is {} levels deep, the limit is {}",
                                         entry_name.substr(0, 256), what, comps.size(), o.max_depth));
  }
  return comps;
}

std::string JoinPath(const std::vector<std::string>& comps, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    if (i) out += '/';
    out += comps[i];
  }
  return out;
}

enum class XattrDecision { kApply, kSkip };

StatusOr<XattrDecision> DecideXattr(std::string_view name, const ApplyOptions& o) {
  if (IsOverlayPrivateXattr(name)) {
    return InvalidArgument(fmt::format("xattr {} is refused (it would forge overlayfs metadata)", name));
  }
  if (name.starts_with("user.") || name == "system.posix_acl_access" || name == "system.posix_acl_default") {
    return XattrDecision::kApply;
  }
  if (name == "security.capability") return o.allow_security_capability ? XattrDecision::kApply : XattrDecision::kSkip;
  return XattrDecision::kSkip;
}

class Applier {
 public:
  Applier(const RootFs& root, const ApplyOptions& options) : root_(root), o_(options) {}

  StatusOr<ApplyStats> Run(int fd) {
    const base::TarNameScope names;  // names are bytes, whatever the locale (src/base/tar_names.h)
    ArchivePtr a(archive_read_new());
    if (!a) return Internal("archive_read_new failed");
    // Only decompressors implemented by linked libraries: never an external program.
    archive_read_support_filter_none(a.get());
    if (archive_zlib_version()) archive_read_support_filter_gzip(a.get());
    if (archive_bzlib_version()) archive_read_support_filter_bzip2(a.get());
    if (archive_liblzma_version()) archive_read_support_filter_xz(a.get());
    if (archive_libzstd_version()) archive_read_support_filter_zstd(a.get());
    archive_read_support_format_tar(a.get());
    archive_read_support_format_empty(a.get());
    if (archive_read_open_fd(a.get(), fd, 1 << 16) != ARCHIVE_OK) {
      return InvalidArgument(fmt::format("layer is not a readable tar archive: {}", ErrorString(a.get())));
    }
    std::string previous = "(start of archive)";
    while (true) {
      struct archive_entry* e = nullptr;
      int r = archive_read_next_header(a.get(), &e);
      if (r == ARCHIVE_EOF) break;
      if (r < ARCHIVE_WARN) {
        return InvalidArgument(fmt::format("reading the layer after entry \"{}\": {}", previous, ErrorString(a.get())));
      }
      MB_RETURN_IF_ERROR(CheckBytes(a.get(), previous));
      if (++stats_.entries > o_.max_entries) {
        return ResourceExhausted(fmt::format("layer has more than {} entries (at \"{}\")", o_.max_entries, previous));
      }
      const char* raw = archive_entry_pathname(e);
      if (!raw) return InvalidArgument(fmt::format("layer entry after \"{}\" has no name", previous));
      previous = std::string(raw).substr(0, 512);
      MB_RETURN_IF_ERROR(ApplyEntry(a.get(), e, raw));
    }
    MB_RETURN_IF_ERROR(CheckBytes(a.get(), previous));
    // Directory times last, deepest first, so that creating their content does not disturb them.
    for (auto it = dir_times_.rbegin(); it != dir_times_.rend(); ++it) {
      Status s = root_.SetMtime(it->first, it->second);
      if (!s.ok() && s.code() != StatusCode::kNotFound) return EntryError(it->first, s);
    }
    stats_.stream_bytes = static_cast<uint64_t>(archive_filter_bytes(a.get(), 0));
    return stats_;
  }

 private:
  static std::string ErrorString(struct archive* a) {
    const char* s = archive_error_string(a);
    return s ? s : "malformed tar header (e.g. a sparse map that does not parse)";
  }

  Status CheckBytes(struct archive* a, std::string_view at) {
    int64_t n = archive_filter_bytes(a, 0);
    if (n > 0 && static_cast<uint64_t>(n) > o_.max_total_bytes) {
      return ResourceExhausted(fmt::format("layer expands to more than {} bytes (at entry \"{}\")",
                                           o_.max_total_bytes, at));
    }
    return Status::Ok();
  }

  void Remember(const std::string& path) {
    auto st = root_.Lstat(path);
    if (st.ok()) created_.insert({st->st_dev, st->st_ino});
  }

  bool CreatedHere(const struct stat& st) const { return created_.count({st.st_dev, st.st_ino}) > 0; }

  // Removes, below the directory `dirfd`, everything this layer did not create (recursing into
  // directories it did create or re-declare).
  Status PruneLower(int dirfd, const std::string& where) {
    MB_ASSIGN_OR_RETURN(std::vector<std::string> names, DirectoryNames(dirfd, where));
    Status status;
    for (const auto& n : names) {
      struct stat st {};
      if (::fstatat(dirfd, n.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
      if (!CreatedHere(st)) {
        status = RemoveAllAt(dirfd, n);
      } else if (S_ISDIR(st.st_mode)) {
        UniqueFd child(::openat(dirfd, n.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!child) {
          status = ErrnoError(fmt::format("open {}/{}", where, n));
        } else {
          status = PruneLower(child.get(), where + "/" + n);
        }
      }
      if (!status.ok()) break;
    }
    return status;
  }

  Status ApplyWhiteout(std::string_view raw, const std::vector<std::string>& comps) {
    const std::string& base = comps.back();
    std::string parent = JoinPath(comps, comps.size() - 1);
    if (base == kOpaqueMarker) {
      auto dir = root_.Open(parent, O_PATH | O_DIRECTORY);
      if (!dir.ok()) {
        if (dir.status().code() == StatusCode::kNotFound) return Status::Ok();
        return EntryError(raw, dir.status());
      }
      Status s = PruneLower(dir->get(), parent.empty() ? "/" : parent);
      return s.ok() ? s : EntryError(raw, s);
    }
    if (std::string_view(base).starts_with(kAufsMetaPrefix)) return Status::Ok();
    std::string target = base.substr(kWhiteoutPrefix.size());
    if (target.empty() || target == "." || target == "..") {
      return EntryInvalid(raw, "whiteout names no file");
    }
    std::string victim = parent.empty() ? target : parent + "/" + target;
    auto p = root_.OpenParent(victim);
    if (!p.ok()) {
      if (p.status().code() == StatusCode::kNotFound) return Status::Ok();
      return EntryError(raw, p.status());
    }
    struct stat st {};
    if (::fstatat(p->dir.get(), p->name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return Status::Ok();
    if (CreatedHere(st)) return Status::Ok();  // a whiteout only hides lower layers
    return EntryError(raw, RemoveAllAt(p->dir.get(), p->name));
  }

  Status ApplyXattrs(struct archive_entry* e, std::string_view raw, int fd_or_minus1, const std::string& path) {
    if (archive_entry_xattr_reset(e) == 0) return Status::Ok();
    size_t total = 0;
    const char* name = nullptr;
    const void* value = nullptr;
    size_t size = 0;
    while (archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK) {
      if (!name) continue;
      total += size + std::strlen(name);
      if (size > o_.max_xattr_value_bytes || total > o_.max_xattrs_bytes_per_entry) {
        return ResourceExhausted(fmt::format("layer entry \"{}\": xattr {} is too large ({} bytes)", raw, name, size));
      }
      auto decision = DecideXattr(name, o_);
      if (!decision.ok()) return EntryError(raw, decision.status());
      if (*decision == XattrDecision::kSkip) continue;
      std::string v(static_cast<const char*>(value), size);
      Status s;
      if (fd_or_minus1 >= 0) {
        if (::fsetxattr(fd_or_minus1, name, v.data(), v.size(), 0) != 0) s = ErrnoError(fmt::format("fsetxattr {}", name));
      } else {
        s = root_.SetXattr(path, name, v);
      }
      if (!s.ok()) {
        // Filesystems without user xattrs: not fatal for user.* (containerd ignores ENOTSUP too).
        if (std::string_view(name).starts_with("user.") && s.message().find("not supported") != std::string::npos) {
          continue;
        }
        return EntryError(raw, s);
      }
    }
    return Status::Ok();
  }

  StatusOr<Ownership> EntryOwner(struct archive_entry* e, std::string_view raw) {
    if (o_.chown) return *o_.chown;
    la_int64_t uid = archive_entry_uid(e);
    la_int64_t gid = archive_entry_gid(e);
    if (uid < 0 || uid > 0xFFFFFFFELL) return EntryInvalid(raw, fmt::format("uid {} is out of range", uid));
    if (gid < 0 || gid > 0xFFFFFFFELL) return EntryInvalid(raw, fmt::format("gid {} is out of range", gid));
    return Ownership{static_cast<uint32_t>(uid), static_cast<uint32_t>(gid)};
  }

  static Timestamp EntryMtime(struct archive_entry* e) {
    Timestamp t;
    if (archive_entry_mtime_is_set(e)) {
      t.seconds = archive_entry_mtime(e);
      long ns = archive_entry_mtime_nsec(e);
      t.nanoseconds = (ns >= 0 && ns < 1000000000) ? static_cast<uint32_t>(ns) : 0;
    }
    return t;
  }

  Status WriteRegular(struct archive* a, struct archive_entry* e, std::string_view raw, const std::string& path,
                      const Ownership& owner, mode_t mode) {
    la_int64_t declared = archive_entry_size(e);
    if (declared < 0) return EntryInvalid(raw, "negative size");
    // A sparse entry: only its data extents are read and written (pwrite at their offsets, then
    // ftruncate), so its holes cost no time and no disk; its map is bounded.
    const int extents = archive_entry_sparse_count(e);
    if (extents > 0 && static_cast<uint64_t>(extents) > o_.max_sparse_extents) {
      return ResourceExhausted(fmt::format("layer entry \"{}\": its sparse map has {} extents, the limit is {}", raw,
                                           extents, o_.max_sparse_extents));
    }
    if (static_cast<uint64_t>(declared) > o_.max_total_bytes) {
      return ResourceExhausted(fmt::format("layer entry \"{}\": size {} exceeds the layer bound {}", raw, declared,
                                           o_.max_total_bytes));
    }
    auto fd = root_.WriteFile(path, -1, mode, owner);
    if (!fd.ok()) return EntryError(raw, fd.status());
    const void* buf = nullptr;
    size_t size = 0;
    la_int64_t offset = 0;
    while (true) {
      int r = archive_read_data_block(a, &buf, &size, &offset);
      if (r == ARCHIVE_EOF) break;
      if (r < ARCHIVE_WARN) return EntryInvalid(raw, fmt::format("reading content: {}", ErrorString(a)));
      MB_RETURN_IF_ERROR(CheckBytes(a, raw));
      if (offset < 0 || static_cast<uint64_t>(offset) + size > static_cast<uint64_t>(declared)) {
        return EntryInvalid(raw, "content extends past the declared size");
      }
      const char* p = static_cast<const char*>(buf);
      size_t left = size;
      off_t at = offset;
      while (left > 0) {
        ssize_t w = ::pwrite(fd->get(), p, left, at);
        if (w < 0) {
          if (errno == EINTR) continue;
          return EntryError(raw, ErrnoError("write"));
        }
        p += w;
        left -= static_cast<size_t>(w);
        at += w;
      }
    }
    if (::ftruncate(fd->get(), declared) != 0) return EntryError(raw, ErrnoError("ftruncate"));
    // Owner first, then mode: chown clears setuid/setgid bits.
    if (::fchown(fd->get(), owner.uid, owner.gid) != 0) return EntryError(raw, ErrnoError("fchown"));
    if (::fchmod(fd->get(), mode) != 0) return EntryError(raw, ErrnoError("fchmod"));
    MB_RETURN_IF_ERROR(ApplyXattrs(e, raw, fd->get(), path));
    Timestamp t = EntryMtime(e);
    struct timespec ts[2] = {{t.seconds, static_cast<long>(t.nanoseconds)}, {t.seconds, static_cast<long>(t.nanoseconds)}};
    if (::futimens(fd->get(), ts) != 0) return EntryError(raw, ErrnoError("futimens"));
    return Status::Ok();
  }

  Status ApplyEntry(struct archive* a, struct archive_entry* e, const char* raw_cstr) {
    std::string_view raw = raw_cstr;
    MB_ASSIGN_OR_RETURN(std::vector<std::string> comps, CleanEntryPath(raw, raw, o_, "path"));
    if (comps.empty()) return Status::Ok();  // "./" or "/": the root itself keeps its metadata
    std::string path = JoinPath(comps, comps.size());
    const std::string& base = comps.back();

    if (o_.process_whiteouts && std::string_view(base).starts_with(kWhiteoutPrefix)) {
      return ApplyWhiteout(raw, comps);
    }

    MB_ASSIGN_OR_RETURN(Ownership owner, EntryOwner(e, raw));
    const mode_t perm_with_special = archive_entry_mode(e) & 07777;

    // Parents: resolved afresh inside the root, created when missing.
    if (comps.size() > 1) {
      auto parent = root_.MkdirAll(JoinPath(comps, comps.size() - 1), 0755, Ownership{0, 0});
      if (!parent.ok()) return EntryError(raw, parent.status());
    }

    if (const char* hl = archive_entry_hardlink(e)) {
      MB_ASSIGN_OR_RETURN(std::vector<std::string> target, CleanEntryPath(hl, raw, o_, "hard link target"));
      if (target.empty()) return EntryInvalid(raw, "hard link to the root directory");
      Status s = root_.Hardlink(JoinPath(target, target.size()), path);
      if (!s.ok()) return EntryError(raw, s);
      Remember(path);
      return Status::Ok();
    }

    const mode_t type = archive_entry_filetype(e);
    Status s;
    switch (type) {
      case AE_IFDIR: {
        s = root_.Mkdir(path, perm_with_special);
        if (s.ok()) s = root_.Chown(path, owner.uid, owner.gid);
        if (s.ok()) s = root_.Chmod(path, perm_with_special);
        if (!s.ok()) return EntryError(raw, s);
        MB_RETURN_IF_ERROR(ApplyXattrs(e, raw, -1, path));
        dir_times_.emplace_back(path, EntryMtime(e));
        Remember(path);
        return Status::Ok();
      }
      case AE_IFREG:
        MB_RETURN_IF_ERROR(WriteRegular(a, e, raw, path, owner, perm_with_special));
        Remember(path);
        return Status::Ok();
      case AE_IFLNK: {
        const char* target = archive_entry_symlink(e);
        if (!target) return EntryInvalid(raw, "symlink without a target");
        std::string_view t = target;
        if (t.size() > o_.max_path_bytes) return EntryInvalid(raw, "symlink target too long");
        if (t.find('\0') != std::string_view::npos) return EntryInvalid(raw, "symlink target contains NUL");
        s = root_.Symlink(t, path);
        if (s.ok()) s = root_.Chown(path, owner.uid, owner.gid);
        if (s.ok()) s = root_.SetMtime(path, EntryMtime(e));
        if (!s.ok()) return EntryError(raw, s);
        Remember(path);
        return Status::Ok();
      }
      case AE_IFCHR:
      case AE_IFBLK: {
        uint64_t major = archive_entry_rdevmajor(e);
        uint64_t minor = archive_entry_rdevminor(e);
        if (major > 0xFFFFFFFFull || minor > 0xFFFFFFFFull) {
          return EntryInvalid(raw, fmt::format("device number {}:{} does not fit in 32 bits", major, minor));
        }
        if (o_.devices == DevicePolicy::kSkip) return Status::Ok();
        if (o_.devices == DevicePolicy::kRefuse) return EntryInvalid(raw, "device nodes are not allowed here");
        s = root_.Mknod(path, (type == AE_IFCHR ? S_IFCHR : S_IFBLK) | (perm_with_special & 0777),
                        makedev(static_cast<unsigned>(major), static_cast<unsigned>(minor)));
        break;
      }
      case AE_IFIFO:
        s = root_.Mknod(path, S_IFIFO | (perm_with_special & 0777), 0);
        break;
      default:
        return EntryInvalid(raw, fmt::format("unsupported entry type 0{:o}", static_cast<unsigned>(type)));
    }
    if (s.ok()) s = root_.Chown(path, owner.uid, owner.gid);
    if (s.ok()) s = root_.Chmod(path, perm_with_special);
    if (s.ok()) s = root_.SetMtime(path, EntryMtime(e));
    if (!s.ok()) return EntryError(raw, s);
    Remember(path);
    return Status::Ok();
  }

  const RootFs& root_;
  const ApplyOptions& o_;
  ApplyStats stats_;
  std::set<InodeKey> created_;
  std::vector<std::pair<std::string, Timestamp>> dir_times_;
};

}  // namespace

StatusOr<ApplyStats> ApplyLayer(const RootFs& root, int fd, const ApplyOptions& options) {
  Applier applier(root, options);
  return applier.Run(fd);
}

StatusOr<ApplyStats> ApplyLayerFile(const RootFs& root, const std::filesystem::path& tar, const ApplyOptions& options) {
  UniqueFd fd(::open(tar.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return ErrnoError(fmt::format("open layer {}", tar.string()));
  return ApplyLayer(root, fd.get(), options);
}

StatusOr<ApplyStats> ExtractArchive(const RootFs& root, std::string_view dest_dir, int fd, ApplyOptions options) {
  options.process_whiteouts = false;
  MB_ASSIGN_OR_RETURN(UniqueFd dest, root.MkdirAll(dest_dir, 0755, options.chown.value_or(Ownership{0, 0})));
  MB_ASSIGN_OR_RETURN(RootFs sub, RootFs::FromFd(dest.get(), fmt::format("{} (below {})", dest_dir, root.description())));
  return ApplyLayer(sub, fd, options);
}

}  // namespace mybuild::snapshotter

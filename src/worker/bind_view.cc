#include "src/worker/bind_view.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <string>

#include "snapshotter/overlay_options.h"
#include "snapshotter/rootfs.h"
#include "snapshotter/tree_copy.h"
#include "src/base/dir_names.h"
#include "src/base/logging.h"
#include "src/base/unique_fd.h"

namespace mybuild::worker {
namespace {

std::atomic<bool> force_copy{false};

std::string FdPath(int fd) { return "/proc/self/fd/" + std::to_string(fd); }

std::string Join(std::string_view a, std::string_view b) {
  if (a.empty()) return std::string(b);
  return std::string(a) + "/" + std::string(b);
}

// Gives `dir` the owner, mode and times of `st` (an overlay shows a directory's metadata from its
// topmost layer: the whiteout layer or the upper dir).
Status CopyDirMetadata(const std::filesystem::path& dir, const struct stat& st) {
  if (::chown(dir.c_str(), st.st_uid, st.st_gid) != 0) return ErrnoError("chown " + dir.string());
  if (::chmod(dir.c_str(), st.st_mode & 07777) != 0) return ErrnoError("chmod " + dir.string());
  struct timespec times[2] = {st.st_atim, st.st_mtim};
  if (::utimensat(AT_FDCWD, dir.c_str(), times, 0) != 0) return ErrnoError("utimensat " + dir.string());
  return Status::Ok();
}

Status MakeDir(const std::filesystem::path& dir) {
  if (::mkdir(dir.c_str(), 0700) != 0) return ErrnoError("mkdir " + dir.string());
  return Status::Ok();
}

// Lists the hidden entries below `dir_fd` (at `rel` below the source) into `out`; `visible` becomes true
// when anything below stays visible.
Status Walk(int dir_fd, const std::string& rel, std::string_view prefix, const fileops::PathFilter& filter,
            std::vector<std::string>& out, bool& visible) {
  MB_ASSIGN_OR_RETURN(std::vector<std::string> names,
                      DirectoryNames(dir_fd, (rel.empty() ? std::string(".") : rel) + " of the mount source"));
  for (const std::string& name : names) {
    const std::string child = Join(rel, name);
    const std::string filter_rel = Join(prefix, child);
    struct stat st {};
    if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT) continue;
      return ErrnoError("fstatat " + child + " of the mount source");
    }
    const bool is_dir = S_ISDIR(st.st_mode);
    const bool excluded = filter.Excluded(filter_rel);
    if (excluded && !(is_dir && filter.MayReincludeBelow(filter_rel))) {
      out.push_back(child);
      continue;
    }
    if (!excluded) visible = true;
    if (!is_dir) continue;
    UniqueFd sub(::openat(dir_fd, name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!sub) return ErrnoError("open " + child + " of the mount source");
    std::vector<std::string> below;
    bool below_visible = false;
    MB_RETURN_IF_ERROR(Walk(sub.get(), child, prefix, filter, below, below_visible));
    if (excluded && !below_visible) {
      out.push_back(child);  // an excluded directory with nothing included below it is hidden whole
      continue;
    }
    visible = visible || below_visible;
    out.insert(out.end(), below.begin(), below.end());
  }
  return Status::Ok();
}

// A lower dir at `layer` that hides `hidden` (relative to the source): whiteouts, in directories that carry
// the source's metadata.
Status MakeWhiteoutLayer(int source_fd, const struct stat& root_st, const std::vector<std::string>& hidden,
                         const std::filesystem::path& layer) {
  MB_RETURN_IF_ERROR(MakeDir(layer));
  std::vector<std::string> dirs;  // created below the layer's root, parents first
  for (const std::string& path : hidden) {
    std::vector<std::string> parts = snapshotter::RootFs::CleanComponents(path);
    if (parts.empty()) return InvalidArgument("a bind view cannot hide the source itself");
    std::string parent;
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
      parent = Join(parent, parts[i]);
      if (std::find(dirs.begin(), dirs.end(), parent) != dirs.end()) continue;
      if (::mkdir((layer / parent).c_str(), 0700) != 0 && errno != EEXIST) return ErrnoError("mkdir " + parent);
      dirs.push_back(parent);
    }
    const std::filesystem::path whiteout = layer / Join(parent, parts.back());
    if (::mknod(whiteout.c_str(), S_IFCHR | 0, ::makedev(0, 0)) != 0) return ErrnoError("mknod whiteout " + path);
  }
  // Deepest first, so that setting a directory's times is not undone by changes inside it.
  for (auto it = dirs.rbegin(); it != dirs.rend(); ++it) {
    struct stat st {};
    if (::fstatat(source_fd, it->c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return ErrnoError("fstatat " + *it);
    MB_RETURN_IF_ERROR(CopyDirMetadata(layer / *it, st));
  }
  return CopyDirMetadata(layer, root_st);
}

StatusOr<snapshotter::ScopedMount> MountOverlay(int source_fd, const struct stat& st, const BindView::Options& options,
                                                const std::filesystem::path& dir) {
  std::string lower = FdPath(source_fd);
  if (!options.hidden.empty()) {
    MB_RETURN_IF_ERROR(MakeWhiteoutLayer(source_fd, st, options.hidden, dir / "hidden"));
    lower = (dir / "hidden").string() + ":" + lower;
  }
  MB_RETURN_IF_ERROR(MakeDir(dir / "merged"));
  snapshotter::Mount overlay{"overlay", "overlay", {"lowerdir=" + lower}};
  if (options.writable) {
    MB_RETURN_IF_ERROR(MakeDir(dir / "upper"));
    MB_RETURN_IF_ERROR(MakeDir(dir / "work"));
    MB_RETURN_IF_ERROR(CopyDirMetadata(dir / "upper", st));
    overlay.options.push_back("upperdir=" + (dir / "upper").string());
    overlay.options.push_back("workdir=" + (dir / "work").string());
  }
  for (std::string& flag : snapshotter::OverlayFeatureOptions()) overlay.options.push_back(std::move(flag));
  return snapshotter::ScopedMount::MountAll({overlay}, dir / "merged");
}

Status CopyFile(int source_fd, const struct stat& st, const std::filesystem::path& dir) {
  UniqueFd in(::open(FdPath(source_fd).c_str(), O_RDONLY | O_CLOEXEC));
  if (!in) return ErrnoError("open the mount source for reading");
  MB_ASSIGN_OR_RETURN(snapshotter::RootFs root, snapshotter::RootFs::Open(dir));
  MB_ASSIGN_OR_RETURN(UniqueFd out, root.WriteFile("file", in.get(), st.st_mode & 07777,
                                                   snapshotter::Ownership{st.st_uid, st.st_gid}));
  struct timespec times[2] = {st.st_atim, st.st_mtim};
  if (::futimens(out.get(), times) != 0) return ErrnoError("futimens " + (dir / "file").string());
  return Status::Ok();
}

// The copy fallback: the source tree without the hidden entries.
Status CopyTree(int source_fd, const BindView::Options& options, const std::filesystem::path& copy) {
  MB_RETURN_IF_ERROR(MakeDir(copy));
  MB_RETURN_IF_ERROR(snapshotter::CopyTree(FdPath(source_fd), copy));
  if (options.hidden.empty()) return Status::Ok();
  MB_ASSIGN_OR_RETURN(snapshotter::RootFs root, snapshotter::RootFs::Open(copy));
  for (const std::string& path : options.hidden) MB_RETURN_IF_ERROR(root.RemoveAll(path));
  return Status::Ok();
}

}  // namespace

StatusOr<std::vector<std::string>> HiddenEntries(int dir_fd, std::string_view prefix,
                                                 const fileops::PathFilter& filter) {
  std::vector<std::string> out;
  bool visible = false;
  MB_RETURN_IF_ERROR(Walk(dir_fd, "", prefix, filter, out, visible));
  std::sort(out.begin(), out.end());
  return out;
}

void BindView::ForceCopyForTesting(bool force) { force_copy = force; }

BindView& BindView::operator=(BindView&& other) noexcept {
  if (this != &other) {
    mount_ = std::move(other.mount_);  // the old overlay goes before its directory
    dir_ = std::move(other.dir_);
    path_ = std::move(other.path_);
    method_ = other.method_;
  }
  return *this;
}

StatusOr<BindView> BindView::Open(int source_fd, const std::filesystem::path& scratch_dir, const Options& options) {
  struct stat st {};
  if (::fstat(source_fd, &st) != 0) return ErrnoError("fstat the mount source");
  if (!options.writable && options.hidden.empty()) return InvalidArgument("a bind view with nothing to change");
  BindView out;
  MB_ASSIGN_OR_RETURN(out.dir_, TempDir::Create(scratch_dir, "bind-"));
  const std::filesystem::path& dir = out.dir_.path();
  if (S_ISREG(st.st_mode) && options.hidden.empty()) {
    MB_RETURN_IF_ERROR(CopyFile(source_fd, st, dir));
    out.path_ = dir / "file";
    out.method_ = Method::kCopy;
    return out;
  }
  if (!S_ISDIR(st.st_mode)) {
    return InvalidArgument("a read-write bind mount needs a directory or a regular file as its source");
  }
  if (!force_copy) {
    StatusOr<snapshotter::ScopedMount> mounted = MountOverlay(source_fd, st, options, dir);
    if (mounted.ok()) {
      out.mount_ = std::move(mounted).value();
      out.path_ = dir / "merged";
      out.method_ = Method::kOverlay;
      return out;
    }
    spdlog::debug("bind mount view: overlay not usable ({}), copying the source", mounted.status().ToString());
    for (const char* name : {"hidden", "upper", "work", "merged"}) {
      MB_RETURN_IF_ERROR(snapshotter::RemoveAllAt(AT_FDCWD, (dir / name).string()));
    }
  }
  MB_RETURN_IF_ERROR(CopyTree(source_fd, options, dir / "copy"));
  out.path_ = dir / "copy";
  out.method_ = Method::kCopy;
  return out;
}

}  // namespace mybuild::worker

#include "src/worker/discarded_writes.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <string>

#include "snapshotter/rootfs.h"
#include "snapshotter/tree_copy.h"
#include "src/base/logging.h"
#include "src/base/unique_fd.h"

namespace mybuild::worker {
namespace {

std::atomic<bool> force_copy{false};

std::string FdPath(int fd) { return "/proc/self/fd/" + std::to_string(fd); }

// Gives `dir` the owner, mode and times of `st` (the overlay's root shows its upper dir's metadata).
Status CopyRootMetadata(const std::filesystem::path& dir, const struct stat& st) {
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

// An overlay of the directory `source_fd` on dir/merged, its upper and work dirs beside it.
StatusOr<snapshotter::ScopedMount> MountOverlay(int source_fd, const struct stat& st,
                                                const std::filesystem::path& dir) {
  MB_RETURN_IF_ERROR(MakeDir(dir / "upper"));
  MB_RETURN_IF_ERROR(MakeDir(dir / "work"));
  MB_RETURN_IF_ERROR(MakeDir(dir / "merged"));
  MB_RETURN_IF_ERROR(CopyRootMetadata(dir / "upper", st));
  // The lower dir by its fd: no path of the user's (which may hold ':' or ',') reaches the options.
  snapshotter::Mount overlay{"overlay", "overlay",
                             {"lowerdir=" + FdPath(source_fd), "upperdir=" + (dir / "upper").string(),
                              "workdir=" + (dir / "work").string(), "index=off", "redirect_dir=off",
                              "metacopy=off"}};
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

}  // namespace

void DiscardedWrites::ForceCopyForTesting(bool force) { force_copy = force; }

DiscardedWrites& DiscardedWrites::operator=(DiscardedWrites&& other) noexcept {
  if (this != &other) {
    mount_ = std::move(other.mount_);  // the old overlay goes before its directory
    dir_ = std::move(other.dir_);
    path_ = std::move(other.path_);
    method_ = other.method_;
  }
  return *this;
}

StatusOr<DiscardedWrites> DiscardedWrites::Open(int source_fd, const std::filesystem::path& scratch_dir) {
  struct stat st {};
  if (::fstat(source_fd, &st) != 0) return ErrnoError("fstat the mount source");
  DiscardedWrites out;
  MB_ASSIGN_OR_RETURN(out.dir_, TempDir::Create(scratch_dir, "rw-"));
  const std::filesystem::path& dir = out.dir_.path();
  if (S_ISREG(st.st_mode)) {
    MB_RETURN_IF_ERROR(CopyFile(source_fd, st, dir));
    out.path_ = dir / "file";
    out.method_ = Method::kCopy;
    return out;
  }
  if (!S_ISDIR(st.st_mode)) {
    return InvalidArgument("a read-write bind mount needs a directory or a regular file as its source");
  }
  if (!force_copy) {
    StatusOr<snapshotter::ScopedMount> mounted = MountOverlay(source_fd, st, dir);
    if (mounted.ok()) {
      out.mount_ = std::move(mounted).value();
      out.path_ = dir / "merged";
      out.method_ = Method::kOverlay;
      return out;
    }
    spdlog::debug("read-write bind: overlay not usable ({}), copying the source", mounted.status().ToString());
    for (const char* name : {"upper", "work", "merged"}) {
      MB_RETURN_IF_ERROR(snapshotter::RemoveAllAt(AT_FDCWD, (dir / name).string()));
    }
  }
  MB_RETURN_IF_ERROR(MakeDir(dir / "copy"));
  MB_RETURN_IF_ERROR(snapshotter::CopyTree(FdPath(source_fd), dir / "copy"));
  out.path_ = dir / "copy";
  out.method_ = Method::kCopy;
  return out;
}

}  // namespace mybuild::worker

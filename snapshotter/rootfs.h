// Confined access to a root filesystem that may be hostile (SECURITY.md rules 1-3).
//
// A RootFs holds an O_PATH fd of a directory. Every path given to it is interpreted inside that directory:
// a leading "/" means the root, ".." never climbs above it, and symlinks met on the way (absolute ones
// included, e.g. var/run -> /run) resolve inside it too. Resolution uses openat2(RESOLVE_IN_ROOT |
// RESOLVE_NO_MAGICLINKS) when the kernel has it, else a component-by-component O_NOFOLLOW walk that follows
// symlinks itself with the same semantics. Nothing is cached between calls: every call resolves afresh
// (a later tar entry or a RUN may have swapped a directory for a symlink in between).
//
// The final component of a path is never followed by the mutating operations (they act on the link
// itself), and is followed by Open() only when asked.
#ifndef MYBUILD_SNAPSHOTTER_ROOTFS_H_
#define MYBUILD_SNAPSHOTTER_ROOTFS_H_

#include <sys/stat.h>
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "snapshotter/layer_entry.h"
#include "src/base/status.h"
#include "src/base/unique_fd.h"

namespace mybuild::snapshotter {

// Owner for a created object (where an operation takes std::optional<Ownership>, nullopt leaves the
// creator's ids, i.e. root).
struct Ownership {
  uint32_t uid = 0;
  uint32_t gid = 0;
};

// The parent directory of a path, opened (O_PATH) inside the root, plus the final component's name.
struct ParentRef {
  UniqueFd dir;
  std::string name;  // never empty, ".", ".." or containing '/'
};

class RootFs {
 public:
  // Opens `root` (a host path the caller trusts, e.g. a snapshot dir or mount point). With no_xdev,
  // resolution also refuses to cross a mount point (RESOLVE_NO_XDEV), e.g. for a rootfs that has /proc
  // or bind mounts inside it. Errors name paths as "PATH" in DESCRIPTION: `description` when given (what
  // the user knows the root as, e.g. "the image"; never a scratch mount point), else the host path.
  static StatusOr<RootFs> Open(const std::filesystem::path& root, bool no_xdev = false,
                               std::string description = "");
  // Takes a directory fd (any open mode) as the root; it is re-opened as O_PATH.
  static StatusOr<RootFs> FromFd(int dirfd, std::string description);

  RootFs(RootFs&&) = default;
  RootFs& operator=(RootFs&&) = default;

  int fd() const { return root_.get(); }
  const std::string& description() const { return description_; }

  // Splits `path` lexically: "." components dropped, ".." removed together with the previous component
  // (clamped at the root), empty components dropped. Returns the components.
  static std::vector<std::string> CleanComponents(std::string_view path);

  // Resolves `path` inside the root and opens it with `flags` (O_CLOEXEC is added). The final component is
  // followed when follow_final, else O_NOFOLLOW semantics apply (with O_PATH the link itself is opened).
  StatusOr<UniqueFd> Open(std::string_view path, int flags, bool follow_final = true, mode_t mode = 0) const;
  // Resolves the parent directory of `path` (following symlinks inside the root). Fails for the root itself.
  StatusOr<ParentRef> OpenParent(std::string_view path) const;
  // lstat of the final component (not followed); kNotFound when it does not exist.
  StatusOr<struct stat> Lstat(std::string_view path) const;
  // stat following the final component inside the root.
  StatusOr<struct stat> Stat(std::string_view path) const;

  // mkdir -p inside the root. Missing directories are created with `mode` and, if given, `owner`;
  // existing ones (or symlinks to directories inside the root) are kept as they are. Returns an O_PATH fd
  // of the final directory.
  StatusOr<UniqueFd> MkdirAll(std::string_view path, mode_t mode = 0755,
                              std::optional<Ownership> owner = std::nullopt) const;

  // Creates (or replaces, whatever was there, a directory tree included) a regular file at `path` with the
  // content of `source_fd` (read from its current offset to EOF; -1 = empty) and the given mode/owner
  // (chown before chmod, so setuid bits stay). Parent directories must exist. Returns an O_RDWR fd of the
  // new file (e.g. to set its mtime with futimens after writing more).
  StatusOr<UniqueFd> WriteFile(std::string_view path, int source_fd, mode_t mode,
                               std::optional<Ownership> owner = std::nullopt) const;
  // Replaces whatever is at `path` with a symlink to `target` (stored verbatim).
  Status Symlink(std::string_view target, std::string_view path) const;
  // Replaces whatever is at `path` with a hard link to `existing` (both inside the root; `existing`'s
  // final component is not followed, so a link to a symlink links the symlink). Directories are refused.
  Status Hardlink(std::string_view existing, std::string_view path) const;
  // Replaces whatever is at `path` with a device node or FIFO (`mode` includes the S_IF* type).
  Status Mknod(std::string_view path, mode_t mode, dev_t dev) const;
  // Creates the directory `path` if missing (replacing a non-directory); parents must exist.
  Status Mkdir(std::string_view path, mode_t mode) const;

  // Metadata changes; the final component is never followed. Chmod on a symlink is a no-op.
  Status Chmod(std::string_view path, mode_t mode) const;
  Status Chown(std::string_view path, uint32_t uid, uint32_t gid) const;
  Status SetMtime(std::string_view path, const Timestamp& mtime) const;
  // Sets an xattr on a regular file or directory (not followed); other types are refused.
  Status SetXattr(std::string_view path, const std::string& name, const std::string& value) const;

  // Removes `path` (and everything below it); OK when it does not exist. Never follows symlinks.
  Status RemoveAll(std::string_view path) const;

  // Reads a regular file without following any symlink on the way (RESOLVE_NO_SYMLINKS semantics);
  // refuses files larger than max_bytes. kNotFound when missing.
  StatusOr<std::string> ReadRegularFileNoFollow(std::string_view path, uint64_t max_bytes) const;

  // For tests: force the portable walk even where openat2 exists.
  static void ForceFallbackForTesting(bool force);
  static bool HaveOpenat2();

 private:
  RootFs(UniqueFd root, std::string description) : root_(std::move(root)), description_(std::move(description)) {}
  Status InitDevice();
  StatusOr<UniqueFd> Resolve(std::string_view path, int flags, bool follow_final, bool no_symlinks,
                             mode_t mode) const;
  StatusOr<UniqueFd> WalkFallback(const std::vector<std::string>& components, int flags, bool follow_final,
                                  bool no_symlinks, mode_t mode) const;
  std::string Where(std::string_view path) const;

  UniqueFd root_;
  std::string description_;
  bool no_xdev_ = false;
  uint64_t mount_id_ = 0;
};

// Removes dir/name and everything below it without following symlinks; OK when missing.
Status RemoveAllAt(int dirfd, const std::string& name);

}  // namespace mybuild::snapshotter

#endif  // MYBUILD_SNAPSHOTTER_ROOTFS_H_

#include "snapshotter/root_mkdir.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "snapshotter/root_path.h"
#include "src/base/unique_fd.h"

namespace mybuild::snapshotter {

Status MkdirAllThroughLinks(const RootFs& root, const std::string& path, mode_t mode,
                            std::optional<Ownership> owner) {
  const std::string context = "cannot create directory \"" + path + "\"";
  StatusOr<RootPath> resolved = ResolveInRoot(root, path);
  if (!resolved.ok()) return resolved.status().WithContext(context);
  const RootPath& where = *resolved;
  if (!where.last_existing_is_dir) {
    return InvalidArgument(context + ": \"" + where.Prefix(where.existing) + "\" exists and is not a directory");
  }
  // A missing directory that a later ".." leaves is not made (resolution dropped it), as runc's
  // SecureJoin takes "/a/../b" for "/b" when /a does not exist.
  for (size_t i = where.existing; i < where.parts.size(); ++i) {
    const std::string& name = where.parts[i];
    const std::string shown = where.Prefix(i + 1);
    // parts[0, i) are real directories (resolved, or made just now): this opens exactly the one they name.
    MB_ASSIGN_OR_RETURN(UniqueFd dir, root.Open(where.Prefix(i), O_PATH | O_DIRECTORY, false));
    if (::mkdirat(dir.get(), name.c_str(), mode & 07777) != 0) {
      return ErrnoError(context + ": mkdir \"" + shown + "\"");
    }
    // Owner first (chown clears setgid bits), then the mode the umask may have narrowed; on the new
    // directory itself, never through a link.
    UniqueFd created(::openat(dir.get(), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!created) return ErrnoError(context + ": open \"" + shown + "\"");
    if (owner && ::fchown(created.get(), owner->uid, owner->gid) != 0) {
      return ErrnoError(context + ": chown \"" + shown + "\"");
    }
    if (::fchmod(created.get(), mode & 07777) != 0) return ErrnoError(context + ": chmod \"" + shown + "\"");
  }
  return Status::Ok();
}

}  // namespace mybuild::snapshotter

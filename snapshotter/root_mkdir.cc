#include "snapshotter/root_mkdir.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <deque>
#include <optional>
#include <vector>

#include "src/base/unique_fd.h"

namespace mybuild::snapshotter {
namespace {

constexpr int kMaxSymlinkHops = 40;

// The components of `path` in front of (at_front) or behind `parts`, ".." and "." kept: they apply to
// what the components before them resolved to, not lexically.
void SplitInto(const std::string& path, std::deque<std::string>& parts, bool at_front) {
  std::deque<std::string> split;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (end > start) split.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  parts.insert(at_front ? parts.begin() : parts.end(), split.begin(), split.end());
}

std::string Shown(const std::vector<std::string>& resolved, const std::string& name) {
  std::string out;
  for (const std::string& part : resolved) out += "/" + part;
  return out + "/" + name;
}

std::string Joined(const std::vector<std::string>& resolved) {
  std::string out;
  for (const std::string& part : resolved) out += (out.empty() ? "" : "/") + part;
  return out.empty() ? "." : out;
}

// When the component just taken is missing: the index in `pending` of the ".." that leaves it again, if
// any ("a/x/../.." leaves "a" at the second "..").
std::optional<size_t> IndexLeaving(const std::deque<std::string>& pending) {
  size_t depth = 1;
  for (size_t i = 0; i < pending.size(); ++i) {
    if (pending[i] == "..") {
      if (--depth == 0) return i;
    } else if (pending[i] != ".") {
      ++depth;
    }
  }
  return std::nullopt;
}

}  // namespace

Status MkdirAllThroughLinks(const RootFs& root, const std::string& path, mode_t mode,
                            std::optional<Ownership> owner) {
  std::deque<std::string> pending;
  SplitInto(path, pending, false);
  std::vector<std::string> resolved;  // in-image components, each a real directory
  int hops = 0;
  while (!pending.empty()) {
    std::string name = std::move(pending.front());
    pending.pop_front();
    if (name == ".") continue;
    if (name == "..") {
      if (!resolved.empty()) resolved.pop_back();
      continue;
    }
    // `resolved` holds no symlink, so this opens exactly the directory it names (inside the root).
    MB_ASSIGN_OR_RETURN(UniqueFd dir, root.Open(Joined(resolved), O_PATH | O_DIRECTORY, false));
    const std::string shown = Shown(resolved, name);
    struct stat st {};
    if (::fstatat(dir.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno != ENOENT) return ErrnoError("cannot create directory \"" + path + "\": fstatat \"" + shown + "\"");
      // A missing directory that a later ".." leaves is not made (nothing below it can be a symlink), as
      // runc's SecureJoin takes "/a/../b" for "/b" when /a does not exist.
      if (std::optional<size_t> leaving = IndexLeaving(pending)) {
        pending.erase(pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(*leaving) + 1);
        continue;
      }
      if (::mkdirat(dir.get(), name.c_str(), mode & 07777) != 0) {
        return ErrnoError("cannot create directory \"" + path + "\": mkdir \"" + shown + "\"");
      }
      // Owner first (chown clears setgid bits), then the mode the umask may have narrowed; on the new
      // directory itself, never through a link.
      UniqueFd created(::openat(dir.get(), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (!created) return ErrnoError("cannot create directory \"" + path + "\": open \"" + shown + "\"");
      if (owner && ::fchown(created.get(), owner->uid, owner->gid) != 0) {
        return ErrnoError("cannot create directory \"" + path + "\": chown \"" + shown + "\"");
      }
      if (::fchmod(created.get(), mode & 07777) != 0) {
        return ErrnoError("cannot create directory \"" + path + "\": chmod \"" + shown + "\"");
      }
      resolved.push_back(std::move(name));
      continue;
    }
    if (S_ISDIR(st.st_mode)) {
      resolved.push_back(std::move(name));
      continue;
    }
    if (!S_ISLNK(st.st_mode)) {
      return InvalidArgument("cannot create directory \"" + path + "\": \"" + shown +
                             "\" exists and is not a directory");
    }
    if (++hops > kMaxSymlinkHops) {
      return InvalidArgument("cannot create directory \"" + path + "\": too many levels of symbolic links");
    }
    char target[4096];
    const ssize_t length = ::readlinkat(dir.get(), name.c_str(), target, sizeof target);
    if (length < 0) return ErrnoError("cannot create directory \"" + path + "\": readlink \"" + shown + "\"");
    if (static_cast<size_t>(length) == sizeof target) {
      return InvalidArgument("cannot create directory \"" + path + "\": symlink \"" + shown +
                             "\" has an over-long target");
    }
    const std::string link(target, static_cast<size_t>(length));
    if (!link.empty() && link[0] == '/') resolved.clear();
    SplitInto(link, pending, true);
  }
  return Status::Ok();
}

}  // namespace mybuild::snapshotter

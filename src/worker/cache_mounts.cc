#include "src/worker/cache_mounts.h"

#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <functional>
#include <system_error>

#include "snapshotter/tree_copy.h"
#include "src/base/temp_dir.h"

namespace mybuild::worker {
namespace {

// How often a locked cache looks again for a free instance (the reference polls every 100 ms too).
constexpr int kLockedPollMs = 100;

std::string CleanPath(const std::string& path) {
  std::string out;
  for (const std::string& component : snapshotter::RootFs::CleanComponents(path)) out += "/" + component;
  return out.empty() ? "/" : out;
}

bool HasOwnerOrMode(const graph::Mount& mount) {
  return mount.uid.has_value() || mount.gid.has_value() || mount.mode.has_value();
}

std::string OwnerAndMode(const graph::Mount& mount) {
  return std::to_string(mount.uid.value_or(0)) + ":" + std::to_string(mount.gid.value_or(0)) + ":" +
         std::to_string(mount.mode.value_or(0755) & 0777);
}

// Gives the (new, empty) instance directory the mount's owner and mode.
Status ApplyOwnerAndMode(const std::filesystem::path& dir, const graph::Mount& mount) {
  if (::chown(dir.c_str(), mount.uid.value_or(0), mount.gid.value_or(0)) != 0) return ErrnoError("chown " + dir.string());
  if (::chmod(dir.c_str(), mount.mode.value_or(0755) & 0777) != 0) return ErrnoError("chmod " + dir.string());
  return Status::Ok();
}

// Copies the directory `path` of `root` into `dir`.
Status CopyFrom(const snapshotter::RootFs& root, const std::string& path, const std::filesystem::path& dir) {
  MB_ASSIGN_OR_RETURN(UniqueFd source, root.Open(path, O_PATH));
  struct stat st {};
  if (::fstat(source.get(), &st) != 0) return ErrnoError("fstat cache mount source " + path);
  if (!S_ISDIR(st.st_mode)) return InvalidArgument("cache mount source " + path + " is not a directory");
  return snapshotter::CopyTree("/proc/self/fd/" + std::to_string(source.get()), dir);
}

// Fills a new instance directory (empty, 0755 root:root) with the mount's seed.
Status Seed(const graph::Mount& mount, const CacheFrom& from, const std::filesystem::path& dir) {
  const std::string source = CleanPath(mount.source_path);
  if (from.root == nullptr) return HasOwnerOrMode(mount) && source == "/" ? ApplyOwnerAndMode(dir, mount) : Status::Ok();
  if (source != "/") return CopyFrom(*from.root, source, dir);
  if (!HasOwnerOrMode(mount)) return CopyFrom(*from.root, "/", dir);
  StatusOr<struct stat> existing = from.root->Stat("/cache");
  if (existing.ok() && S_ISDIR(existing->st_mode)) return CopyFrom(*from.root, "/cache", dir);
  return ApplyOwnerAndMode(dir, mount);
}

std::filesystem::path InstancePath(const std::filesystem::path& cache_dir, const std::string& hex, int n) {
  return cache_dir / (n == 0 ? hex : hex + "." + std::to_string(n));
}

// Tries to flock the instance at `path`: an fd holding the lock, an empty fd when the instance is in use
// (or gone), an error otherwise.
StatusOr<UniqueFd> TryLock(const std::filesystem::path& path, int operation, bool& exists) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  exists = fd.valid();
  if (!fd) {
    if (errno == ENOENT) return UniqueFd();
    return ErrnoError("open cache mount " + path.string());
  }
  while (::flock(fd.get(), operation | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) return UniqueFd();
    if (errno != EINTR) return ErrnoError("flock cache mount " + path.string());
  }
  return fd;
}

// Makes instance `path`, seeded; false when another process made it first.
StatusOr<bool> CreateInstance(const std::filesystem::path& path, const std::function<Status(const std::filesystem::path&)>& seed) {
  MB_ASSIGN_OR_RETURN(TempDir tmp, TempDir::Create(path.parent_path(), path.filename().string() + ".new-"));
  if (::chmod(tmp.path().c_str(), 0755) != 0) return ErrnoError("chmod " + tmp.path().string());
  MB_RETURN_IF_ERROR(seed(tmp.path()));
  if (::renameat2(AT_FDCWD, tmp.path().c_str(), AT_FDCWD, path.c_str(), RENAME_NOREPLACE) != 0) {
    if (errno == EEXIST) return false;
    return ErrnoError("rename " + tmp.path().string() + " to " + path.string());
  }
  tmp.Release();
  return true;
}

// Waits up to kLockedPollMs, or until `cancel` fires.
Status WaitForTurn(CancelToken& cancel, const std::string& id) {
  struct pollfd p {cancel.fd(), POLLIN, 0};
  ::poll(&p, 1, kLockedPollMs);
  if (cancel.IsCancelled()) return Cancelled("cancelled while waiting for the locked cache mount \"" + id + "\"");
  return Status::Ok();
}

}  // namespace

std::string CacheMountKey(const graph::Mount& mount, const CacheFrom& from) {
  const std::string source = CleanPath(mount.source_path);
  if (from.root != nullptr) {
    std::string seed = "from " + from.cache_key.hex() + " " + source;
    if (source == "/" && HasOwnerOrMode(mount)) seed += " " + OwnerAndMode(mount);
    return mount.cache_id + "\n" + seed;
  }
  if (source == "/" && HasOwnerOrMode(mount)) return mount.cache_id + "\ndir " + OwnerAndMode(mount);
  return mount.cache_id;  // no seed: the key is the id alone (as the layout before seeds)
}

StatusOr<std::filesystem::path> HoldCacheMount(const graph::Mount& mount, const CacheFrom& from,
                                               const std::filesystem::path& cache_dir, CancelToken& cancel,
                                               std::vector<HeldCache>& held) {
  const std::string key = CacheMountKey(mount, from);
  const std::string source = CleanPath(mount.source_path);
  // Without from=, source= names a directory inside the cache: made when missing.
  auto view = [&](const std::filesystem::path& dir) -> StatusOr<std::filesystem::path> {
    if (from.root != nullptr || source == "/") return dir;
    MB_ASSIGN_OR_RETURN(snapshotter::RootFs root, snapshotter::RootFs::Open(dir));
    MB_ASSIGN_OR_RETURN(UniqueFd sub, root.MkdirAll(source, 0755));
    std::error_code error;
    std::filesystem::path real = std::filesystem::read_symlink("/proc/self/fd/" + std::to_string(sub.get()), error);
    if (error) return Status(StatusCode::kIo, "resolve cache mount source " + source + ": " + error.message());
    return real;
  };
  for (const HeldCache& h : held) {
    if (h.key() == key) return view(h.dir());
  }

  std::error_code error;
  std::filesystem::create_directories(cache_dir, error);
  if (error) return Status(StatusCode::kIo, "mkdir " + cache_dir.string() + ": " + error.message());
  const std::string hex = Digest::Of(key).hex();
  const int operation = mount.sharing == graph::CacheSharing::kShared ? LOCK_SH : LOCK_EX;
  for (;;) {
    int n = 0;
    for (;; ++n) {
      std::filesystem::path path = InstancePath(cache_dir, hex, n);
      bool exists = false;
      MB_ASSIGN_OR_RETURN(UniqueFd lock, TryLock(path, operation, exists));
      if (lock) {
        held.emplace_back(key, path, std::move(lock));
        return view(path);
      }
      if (!exists) break;
    }
    // Instances 0..n-1 exist and are all in use.
    if (mount.sharing == graph::CacheSharing::kLocked && n > 0) {
      MB_RETURN_IF_ERROR(WaitForTurn(cancel, mount.cache_id));
      continue;
    }
    MB_RETURN_IF_ERROR(
        CreateInstance(InstancePath(cache_dir, hex, n), [&](const std::filesystem::path& dir) {
          return Seed(mount, from, dir);
        }).status());
    // Made by us or by another process just now: look again (someone may have taken it meanwhile).
  }
}

}  // namespace mybuild::worker

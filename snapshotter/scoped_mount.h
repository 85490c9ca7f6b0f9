// Mount descriptions (what a snapshotter hands out) and a RAII mount that is undone on destruction.
#ifndef MYBUILD_SNAPSHOTTER_SCOPED_MOUNT_H_
#define MYBUILD_SNAPSHOTTER_SCOPED_MOUNT_H_

#include <filesystem>
#include <string>
#include <vector>

#include "src/base/status.h"

namespace mybuild::snapshotter {

// One mount, in containerd's shape.
//   type "bind":    source = a directory; options may hold "ro" (default read-write).
//   type "overlay": source "overlay"; options "lowerdir=A:B:…" (top first), "upperdir=…", "workdir=…"
//                   and flags such as "index=off". The lowerdir list can be longer than the legacy mount
//                   data page allows (deep chains): mount it with MountAt(), which uses fsconfig
//                   "lowerdir+" per layer, or relative paths from a forked child on older kernels.
//                   Paths never contain ':' or ','.
struct Mount {
  std::string type;
  std::string source;
  std::vector<std::string> options;
  bool operator==(const Mount&) const = default;
};

class ScopedMount {
 public:
  ScopedMount() = default;
  ~ScopedMount();
  ScopedMount(const ScopedMount&) = delete;
  ScopedMount& operator=(const ScopedMount&) = delete;
  ScopedMount(ScopedMount&& other) noexcept;
  ScopedMount& operator=(ScopedMount&& other) noexcept;

  // Mounts every mount in order on `target` (an existing directory).
  static StatusOr<ScopedMount> MountAll(const std::vector<Mount>& mounts, const std::filesystem::path& target);

  const std::filesystem::path& target() const { return target_; }
  bool active() const { return count_ > 0; }
  // Unmounts now (all layers of it); MNT_DETACH when the plain unmount reports EBUSY.
  Status Unmount();
  // Forgets the mount without unmounting it.
  void Release() { count_ = 0; }

 private:
  std::filesystem::path target_;
  int count_ = 0;
};

// Mounts one description on `target` (no RAII; prefer ScopedMount).
Status MountAt(const Mount& mount, const std::filesystem::path& target);

// For tests: mount overlays with mount(2) (and relative lower dirs when needed) instead of fsconfig.
void ForceLegacyOverlayMountForTesting(bool force);

}  // namespace mybuild::snapshotter

#endif  // MYBUILD_SNAPSHOTTER_SCOPED_MOUNT_H_

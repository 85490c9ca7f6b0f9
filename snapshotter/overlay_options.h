// The overlayfs features mybuild mounts with, everywhere it mounts an overlay (snapshots, diff views,
// bind views): no index, no redirect_dir, no metacopy, so that an upper directory is a plain tree of
// the changes (diff.h reads it). In a user namespace that is not the initial one (rootless mybuild, or
// root in a container), overlayfs may only keep its metadata in "user.overlay.*" xattrs (userxattr,
// Linux 5.11+): opaque directories then carry user.overlay.opaque; whiteouts stay 0:0 character devices
// (the kernel lets an unprivileged process make those since 5.8).
#ifndef MYBUILD_SNAPSHOTTER_OVERLAY_OPTIONS_H_
#define MYBUILD_SNAPSHOTTER_OVERLAY_OPTIONS_H_

#include <string>
#include <string_view>
#include <vector>

namespace mybuild::snapshotter {

// True when this process is in a user namespace other than the initial one (/proc/self/uid_map is not
// "0 0 4294967295"). Read once.
bool InNestedUserNamespace();

// "index=off", "redirect_dir=off", "metacopy=off"; in a nested user namespace "index=off",
// "redirect_dir=nofollow", "metacopy=off", "userxattr".
std::vector<std::string> OverlayFeatureOptions();

// The xattr that marks an opaque directory in an upper directory this process's overlays write.
std::string_view OverlayOpaqueXattr();

// True for the xattrs overlayfs keeps for itself (trusted.overlay.* and user.overlay.*): never part of a
// layer, and refused in one where they would be obeyed.
bool IsOverlayPrivateXattr(std::string_view name);

}  // namespace mybuild::snapshotter

#endif  // MYBUILD_SNAPSHOTTER_OVERLAY_OPTIONS_H_

#include "snapshotter/overlay_options.h"

#include "src/base/files.h"

namespace mybuild::snapshotter {

bool InNestedUserNamespace() {
  static const bool nested = [] {
    StatusOr<std::string> map = ReadFile("/proc/self/uid_map", 1 << 16);
    if (!map.ok()) return false;
    std::string words;
    for (char c : *map) {
      if (c == ' ' || c == '\t' || c == '\n') {
        if (!words.empty() && words.back() != ' ') words += ' ';
      } else {
        words += c;
      }
    }
    if (!words.empty() && words.back() == ' ') words.pop_back();
    return words != "0 0 4294967295";
  }();
  return nested;
}

std::vector<std::string> OverlayFeatureOptions() {
  // With userxattr the kernel takes "redirect_dir=off" for "follow" (redirect_always_follow) and refuses
  // the pair; "nofollow" neither creates nor follows redirects, as "off" does for root.
  if (InNestedUserNamespace()) return {"index=off", "redirect_dir=nofollow", "metacopy=off", "userxattr"};
  return {"index=off", "redirect_dir=off", "metacopy=off"};
}

std::string_view OverlayOpaqueXattr() {
  return InNestedUserNamespace() ? "user.overlay.opaque" : "trusted.overlay.opaque";
}

bool IsOverlayPrivateXattr(std::string_view name) {
  return name.starts_with("trusted.overlay.") || name.starts_with("user.overlay.");
}

}  // namespace mybuild::snapshotter

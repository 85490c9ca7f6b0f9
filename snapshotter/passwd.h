// USER / --chown resolution against a rootfs's /etc/passwd and /etc/group, parsed here (never through
// libc's NSS, which would load code from the image: SECURITY.md rule 4).
//
// The files are read inside the root without following any symlink (a symlinked /etc/passwd is refused,
// never read on the host), must be regular files, and are capped at kMaxAccountFileBytes.
#ifndef MYBUILD_SNAPSHOTTER_PASSWD_H_
#define MYBUILD_SNAPSHOTTER_PASSWD_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "snapshotter/rootfs.h"
#include "src/base/status.h"

namespace mybuild::snapshotter {

inline constexpr uint64_t kMaxAccountFileBytes = 4ull << 20;

struct PasswdEntry {
  std::string name;
  uint32_t uid = 0;
  uint32_t gid = 0;
  std::string home;
  std::string shell;
};

struct GroupEntry {
  std::string name;
  uint32_t gid = 0;
  std::vector<std::string> members;
};

// Parses file contents; malformed lines (wrong field count, ids not in [0, 2^32-1]) are skipped.
std::vector<PasswdEntry> ParsePasswd(std::string_view content);
std::vector<GroupEntry> ParseGroup(std::string_view content);

// Parses a decimal id in [0, 2^32-1]; nullopt for anything else ("", "-1", "4294967296", "1e3", " 1").
std::optional<uint32_t> ParseId(std::string_view text);

struct ResolvedUser {
  uint32_t uid = 0;
  uint32_t gid = 0;
  // Supplementary groups: the primary gid first, then (only when no group was given explicitly) every
  // group of /etc/group that lists the user by name, ascending, without duplicates.
  std::vector<uint32_t> additional_gids;
  std::string name;  // empty when the uid has no passwd entry
  std::string home;  // "/" when unknown
};

// Resolves "user", "user:group", "uid", "uid:gid" (any mix). Numeric ids work without any files; names
// need the files. A numeric uid without a passwd entry gets gid 0 (docker's behaviour) unless a group is
// given. Errors name the user or group that was not found, or the id that is out of range.
StatusOr<ResolvedUser> ResolveUser(const RootFs& rootfs, std::string_view spec);

// The same with file contents given directly (nullopt = the file does not exist).
StatusOr<ResolvedUser> ResolveUserFromContents(std::string_view spec, const std::optional<std::string>& passwd,
                                               const std::optional<std::string>& group);

}  // namespace mybuild::snapshotter

#endif  // MYBUILD_SNAPSHOTTER_PASSWD_H_

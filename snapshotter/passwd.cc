#include "snapshotter/passwd.h"

#include <algorithm>

#include "fmt/format.h"

namespace mybuild::snapshotter {
namespace {

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (true) {
    size_t e = s.find(sep, i);
    if (e == std::string_view::npos) {
      out.push_back(s.substr(i));
      return out;
    }
    out.push_back(s.substr(i, e - i));
    i = e + 1;
  }
}

std::vector<std::string_view> Lines(std::string_view content) {
  std::vector<std::string_view> out;
  for (std::string_view line : Split(content, '\n')) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    out.push_back(line);
  }
  return out;
}

StatusOr<std::optional<std::string>> ReadAccountFile(const RootFs& rootfs, const char* path) {
  auto content = rootfs.ReadRegularFileNoFollow(path, kMaxAccountFileBytes);
  if (content.ok()) return std::optional<std::string>(std::move(content).value());
  if (content.status().code() == StatusCode::kNotFound) return std::optional<std::string>();
  return content.status().WithContext(fmt::format("reading {} (must be a regular file, no symlinks)", path));
}

}  // namespace

std::optional<uint32_t> ParseId(std::string_view text) {
  if (text.empty() || text.size() > 10) return std::nullopt;
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v > 0xFFFFFFFFull) return std::nullopt;
  return static_cast<uint32_t>(v);
}

std::vector<PasswdEntry> ParsePasswd(std::string_view content) {
  std::vector<PasswdEntry> out;
  for (std::string_view line : Lines(content)) {
    auto f = Split(line, ':');
    if (f.size() != 7 || f[0].empty()) continue;
    auto uid = ParseId(f[2]);
    auto gid = ParseId(f[3]);
    if (!uid || !gid) continue;
    out.push_back(PasswdEntry{std::string(f[0]), *uid, *gid, std::string(f[5]), std::string(f[6])});
  }
  return out;
}

std::vector<GroupEntry> ParseGroup(std::string_view content) {
  std::vector<GroupEntry> out;
  for (std::string_view line : Lines(content)) {
    auto f = Split(line, ':');
    if (f.size() != 4 || f[0].empty()) continue;
    auto gid = ParseId(f[2]);
    if (!gid) continue;
    GroupEntry g{std::string(f[0]), *gid, {}};
    if (!f[3].empty()) {
      for (std::string_view m : Split(f[3], ',')) {
        if (!m.empty()) g.members.emplace_back(m);
      }
    }
    out.push_back(std::move(g));
  }
  return out;
}

StatusOr<ResolvedUser> ResolveUserFromContents(std::string_view spec, const std::optional<std::string>& passwd,
                                               const std::optional<std::string>& group) {
  std::string_view user_part = spec;
  std::optional<std::string_view> group_part;
  if (size_t colon = spec.find(':'); colon != std::string_view::npos) {
    user_part = spec.substr(0, colon);
    group_part = spec.substr(colon + 1);
    if (group_part->empty()) return InvalidArgument(fmt::format("user \"{}\": empty group after ':'", spec));
  }
  if (user_part.empty()) return InvalidArgument(fmt::format("user \"{}\": empty user name", spec));
  auto is_numeric_like = [](std::string_view s) {
    return !s.empty() && (std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9'); }) ||
                          (s[0] == '-' && s.size() > 1));
  };

  std::vector<PasswdEntry> users = passwd ? ParsePasswd(*passwd) : std::vector<PasswdEntry>{};
  std::vector<GroupEntry> groups = group ? ParseGroup(*group) : std::vector<GroupEntry>{};

  ResolvedUser out;
  out.home = "/";
  if (is_numeric_like(user_part)) {
    auto uid = ParseId(user_part);
    if (!uid) return InvalidArgument(fmt::format("user \"{}\": uid {} is not in [0, 4294967295]", spec, user_part));
    out.uid = *uid;
    for (const auto& u : users) {
      if (u.uid == *uid) {
        out.gid = u.gid;
        out.name = u.name;
        out.home = u.home.empty() ? "/" : u.home;
        break;
      }
    }
  } else {
    auto it = std::find_if(users.begin(), users.end(), [&](const PasswdEntry& u) { return u.name == user_part; });
    if (it == users.end()) {
      return NotFound(fmt::format("user \"{}\": no user named \"{}\" in /etc/passwd{}", spec, user_part,
                                  passwd ? "" : " (the file does not exist)"));
    }
    out.uid = it->uid;
    out.gid = it->gid;
    out.name = it->name;
    out.home = it->home.empty() ? "/" : it->home;
  }

  std::vector<uint32_t> extra;
  if (group_part) {
    if (is_numeric_like(*group_part)) {
      auto gid = ParseId(*group_part);
      if (!gid) return InvalidArgument(fmt::format("user \"{}\": gid {} is not in [0, 4294967295]", spec, *group_part));
      out.gid = *gid;
    } else {
      auto it = std::find_if(groups.begin(), groups.end(), [&](const GroupEntry& g) { return g.name == *group_part; });
      if (it == groups.end()) {
        return NotFound(fmt::format("user \"{}\": no group named \"{}\" in /etc/group{}", spec, *group_part,
                                    group ? "" : " (the file does not exist)"));
      }
      out.gid = it->gid;
    }
  } else if (!out.name.empty()) {
    for (const auto& g : groups) {
      if (std::find(g.members.begin(), g.members.end(), out.name) != g.members.end()) extra.push_back(g.gid);
    }
  }
  std::sort(extra.begin(), extra.end());
  out.additional_gids.push_back(out.gid);
  for (uint32_t g : extra) {
    if (std::find(out.additional_gids.begin(), out.additional_gids.end(), g) == out.additional_gids.end()) {
      out.additional_gids.push_back(g);
    }
  }
  return out;
}

StatusOr<ResolvedUser> ResolveUser(const RootFs& rootfs, std::string_view spec) {
  const size_t colon = spec.find(':');
  const std::string_view user_part = spec.substr(0, colon);
  const std::string_view group_part = colon == std::string_view::npos ? "" : spec.substr(colon + 1);
  // A file that cannot be read safely (a symlink, not regular, too big) is an error only when a name must
  // be looked up in it; numeric ids work without the files (and in an empty rootfs).
  auto passwd = ReadAccountFile(rootfs, "/etc/passwd");
  if (!passwd.ok()) {
    if (!ParseId(user_part)) return passwd.status();
    passwd = std::optional<std::string>();
  }
  auto group = ReadAccountFile(rootfs, "/etc/group");
  if (!group.ok()) {
    if (!group_part.empty() && !ParseId(group_part)) return group.status();
    group = std::optional<std::string>();
  }
  return ResolveUserFromContents(spec, *passwd, *group);
}

}  // namespace mybuild::snapshotter

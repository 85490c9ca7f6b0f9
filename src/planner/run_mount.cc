#include "src/planner/run_mount.h"

#include <cctype>

#include "src/base/byte_size.h"
#include "src/frontend/text_util.h"

namespace mybuild::planner {
namespace {

// Go's strconv.ParseBool.
bool ParseGoBool(const std::string& value, bool& out) {
  if (value == "1" || value == "t" || value == "T" || value == "true" || value == "TRUE" || value == "True") {
    out = true;
    return true;
  }
  if (value == "0" || value == "f" || value == "F" || value == "false" || value == "FALSE" || value == "False") {
    out = false;
    return true;
  }
  return false;
}

bool ParseUnsigned(const std::string& value, int base, uint32_t& out) {
  if (value.empty() || value.size() > 12) return false;
  uint64_t v = 0;
  for (char c : value) {
    int digit = c - '0';
    if (digit < 0 || digit >= base) return false;
    v = v * static_cast<uint64_t>(base) + static_cast<uint64_t>(digit);
    if (v > 0xffffffffull) return false;
  }
  out = static_cast<uint32_t>(v);
  return true;
}

Status BadBool(const std::string& key, const std::string& value) {
  return InvalidArgument("invalid value for " + key + ": " + value + " (expected true or false)");
}

constexpr const char* kExpectedId = " (expected a number from 0 to 4294967295)";

// `key` given for a mount type it does not apply to; `applies_to` names the types it is for.
Status UnexpectedKey(const std::string& key, MountType type, const std::string& applies_to) {
  return InvalidArgument("unexpected key '" + key + "' for mount type '" + MountTypeName(type) + "' (" + key +
                         " is for " + applies_to + " mounts)");
}

std::string BaseName(const std::string& path) {
  std::string p = path;
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  size_t slash = p.rfind('/');
  return slash == std::string::npos ? p : p.substr(slash + 1);
}

}  // namespace

const char* MountTypeName(MountType type) {
  switch (type) {
    case MountType::kBind: return "bind";
    case MountType::kCache: return "cache";
    case MountType::kTmpfs: return "tmpfs";
    case MountType::kSecret: return "secret";
    case MountType::kSsh: return "ssh";
  }
  return "bind";
}

std::vector<std::string> SplitCsv(std::string_view record) {
  std::vector<std::string> fields;
  std::string field;
  bool quoted = false;
  bool at_field_start = true;
  for (size_t i = 0; i < record.size(); ++i) {
    char c = record[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < record.size() && record[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        field += c;
      }
      continue;
    }
    if (c == ',') {
      fields.push_back(std::move(field));
      field.clear();
      at_field_start = true;
      continue;
    }
    if (c == '"' && at_field_start) {
      quoted = true;
      at_field_start = false;
      continue;
    }
    at_field_start = false;
    field += c;
  }
  fields.push_back(std::move(field));
  return fields;
}

std::string RunMountFrom(std::string_view spec) {
  for (const std::string& field : SplitCsv(spec)) {
    size_t eq = field.find('=');
    if (eq != std::string::npos && frontend::AsciiLower(field.substr(0, eq)) == "from") return field.substr(eq + 1);
  }
  return "";
}

StatusOr<ParsedRunMount> ParseRunMount(std::string_view spec, const ValueExpander& expand, int ssh_index) {
  ParsedRunMount parsed;
  RunMount& m = parsed.mount;
  bool ro_auto = true;
  bool sharing_given = false;
  bool mode_given = false, uid_given = false, gid_given = false;
  bool env_given = false;
  for (const std::string& field : SplitCsv(spec)) {
    size_t eq = field.find('=');
    std::string key = frontend::AsciiLower(field.substr(0, eq));
    if (eq == std::string::npos) {
      if (key == "readonly" || key == "ro") {
        m.readonly = true;
        ro_auto = false;
      } else if (key == "readwrite" || key == "rw") {
        m.readonly = false;
        ro_auto = false;
      } else if (key == "required") {
        if (m.type != MountType::kSecret && m.type != MountType::kSsh) {
          return UnexpectedKey(key, m.type, "secret and ssh");
        }
        m.required = true;
      } else {
        return InvalidArgument("invalid field '" + field +
                               "' must be a key=value pair (or one of readonly, ro, readwrite, rw, required)");
      }
      continue;
    }
    std::string raw = field.substr(eq + 1);
    std::string value;
    if (key == "from") {
      size_t dollar = raw.find('$');
      if (dollar != std::string::npos && dollar != raw.size() - 1) {
        return InvalidArgument("'from' doesn't support variable expansion, define alias stage instead");
      }
      value = raw;
    } else {
      MB_ASSIGN_OR_RETURN(value, expand(raw));
    }
    if (key == "type") {
      std::string t = frontend::AsciiLower(value);
      if (t == "bind") m.type = MountType::kBind;
      else if (t == "cache") m.type = MountType::kCache;
      else if (t == "tmpfs") m.type = MountType::kTmpfs;
      else if (t == "secret") m.type = MountType::kSecret;
      else if (t == "ssh") m.type = MountType::kSsh;
      else return InvalidArgument("unsupported mount type \"" + value + "\" (expected bind, cache, tmpfs, secret or ssh)");
    } else if (key == "from") {
      parsed.from = value;
    } else if (key == "source" || key == "src") {
      m.source = value;
    } else if (key == "target" || key == "dst" || key == "destination") {
      m.target = value;
    } else if (key == "readonly" || key == "ro") {
      if (!ParseGoBool(value, m.readonly)) return BadBool(key, value);
      ro_auto = false;
    } else if (key == "readwrite" || key == "rw") {
      bool rw = false;
      if (!ParseGoBool(value, rw)) return BadBool(key, value);
      m.readonly = !rw;
      ro_auto = false;
    } else if (key == "required") {
      if (m.type != MountType::kSecret && m.type != MountType::kSsh) return UnexpectedKey(key, m.type, "secret and ssh");
      if (!ParseGoBool(value, m.required)) return BadBool(key, value);
    } else if (key == "size") {
      if (m.type != MountType::kTmpfs) return UnexpectedKey(key, m.type, "tmpfs");
      const std::optional<uint64_t> bytes = ParseRamBytes(value);
      if (!bytes) {
        return InvalidArgument("invalid value for " + key + ": " + value + " (expected a size such as 512k, 64m or 1g)");
      }
      m.size_bytes = static_cast<int64_t>(*bytes);
    } else if (key == "id") {
      m.id = value;
    } else if (key == "sharing") {
      std::string s = frontend::AsciiLower(value);
      if (s == "shared") m.sharing = CacheSharing::kShared;
      else if (s == "private") m.sharing = CacheSharing::kPrivate;
      else if (s == "locked") m.sharing = CacheSharing::kLocked;
      else return InvalidArgument("unsupported sharing value \"" + value + "\" (expected shared, private or locked)");
      sharing_given = true;
    } else if (key == "mode") {
      uint32_t v = 0;
      if (!ParseUnsigned(value, 8, v)) return InvalidArgument("invalid value " + value + " for mode (expected an octal mode such as 0755)");
      m.mode = v;
      mode_given = true;
    } else if (key == "uid") {
      uint32_t v = 0;
      if (!ParseUnsigned(value, 10, v)) return InvalidArgument("invalid value " + value + " for uid" + kExpectedId);
      m.uid = v;
      uid_given = true;
    } else if (key == "gid") {
      uint32_t v = 0;
      if (!ParseUnsigned(value, 10, v)) return InvalidArgument("invalid value " + value + " for gid" + kExpectedId);
      m.gid = v;
      gid_given = true;
    } else if (key == "env") {
      m.env = value;
      env_given = true;
    } else {
      return InvalidArgument("unexpected key '" + key + "' in '" + field +
                             "' (expected one of type, from, source, src, target, dst, destination, readonly, ro, "
                             "readwrite, rw, id, sharing, required, size, mode, uid, gid, env)");
    }
  }

  const bool file_info_allowed =
      m.type == MountType::kSecret || m.type == MountType::kSsh || m.type == MountType::kCache;
  if (!file_info_allowed) {
    const std::string type = MountTypeName(m.type);
    const char* only = " (mode, uid and gid are for cache, secret and ssh mounts)";
    if (mode_given) return InvalidArgument("mode not allowed for \"" + type + "\" type mounts" + only);
    if (uid_given) return InvalidArgument("uid not allowed for \"" + type + "\" type mounts" + only);
    if (gid_given) return InvalidArgument("gid not allowed for \"" + type + "\" type mounts" + only);
  }
  if (ro_auto) m.readonly = !(m.type == MountType::kCache || m.type == MountType::kTmpfs);

  if (m.type == MountType::kSecret) {
    if (!parsed.from.empty()) return InvalidArgument("secret mount should not have a from");
    if (sharing_given) return InvalidArgument("secret mount should not define sharing");
    if (m.source.empty() && m.target.empty() && m.id.empty()) {
      return InvalidArgument("invalid secret mount. one of source, target required");
    }
    if (!m.source.empty() && !m.id.empty()) return InvalidArgument("both source and id can't be set");
    if (!m.source.empty()) m.id = m.source;
    if (m.id.empty()) m.id = BaseName(m.target);
    if (m.target.empty() && !env_given) m.target = "/run/secrets/" + BaseName(m.id);
    // mode stays unset when not given: the worker mounts 0400 then (compose build sets its own default).
  } else if (sharing_given && m.type != MountType::kCache) {
    return InvalidArgument(std::string("invalid cache sharing set for ") + MountTypeName(m.type) +
                           " mount (sharing is for cache mounts)");
  }
  if (m.type == MountType::kSsh) {
    if (!m.source.empty()) return InvalidArgument("ssh does not support source");
    if (m.id.empty()) m.id = "default";
    if (m.target.empty()) m.target = "/run/buildkit/ssh_agent." + std::to_string(ssh_index);
    if (!m.mode) m.mode = 0600;
  }
  m.from_given = !parsed.from.empty();
  return parsed;
}

}  // namespace mybuild::planner

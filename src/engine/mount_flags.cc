#include "src/engine/mount_flags.h"

#include <arpa/inet.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <vector>

#include "src/base/byte_size.h"

namespace mybuild::engine {
namespace {

std::vector<std::string> Split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) return parts;
    start = end + 1;
  }
}

Status CheckTarget(const std::string& target, const std::string& flag) {
  if (target.empty() || target[0] != '/') {
    return InvalidArgument(flag + ": the container path \"" + target + "\" must be absolute");
  }
  if (target.find_first_not_of('/') == std::string::npos) {
    return InvalidArgument(flag + ": the container path must not be \"/\"");
  }
  return Status::Ok();
}

Status CheckSource(const std::filesystem::path& source, const std::string& flag) {
  struct stat st;
  if (source.empty() || source.string()[0] != '/') {
    return InvalidArgument(flag + ": the host path \"" + source.string() + "\" must be absolute");
  }
  if (stat(source.c_str(), &st) < 0) {
    return InvalidArgument(flag + ": the host path " + source.string() + " does not exist");
  }
  return Status::Ok();
}

// "1048576", "64k", "64m", "1g" (docker's RAMInBytes, binary units).
StatusOr<uint64_t> ParseSize(const std::string& text, const std::string& flag) {
  const std::optional<uint64_t> bytes = ParseRamBytes(text);
  if (!bytes) {
    return InvalidArgument(flag + ": tmpfs-size \"" + text + "\" is not a size (bytes, or a number with k, m or g)");
  }
  return *bytes;
}

StatusOr<bool> ParseBool(const std::string& value, const std::string& what) {
  if (value.empty() || value == "true" || value == "1") return true;
  if (value == "false" || value == "0") return false;
  return InvalidArgument(what + ": \"" + value + "\" is not true or false");
}

Status CheckVolumeName(const std::string& name, const std::string& flag) {
  if (!IsVolumeName(name)) {
    return InvalidArgument(flag + ": \"" + name + "\" is not a volume name ([a-zA-Z0-9][a-zA-Z0-9_.-]+) " +
                           "nor an absolute host path");
  }
  return Status::Ok();
}

}  // namespace

bool IsVolumeName(const std::string& name) {
  auto allowed = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-'; };
  return name.size() >= 2 && name.size() <= 255 && std::isalnum(static_cast<unsigned char>(name[0])) &&
         std::all_of(name.begin(), name.end(), allowed);
}

StatusOr<MountRequest> ParseVolumeFlag(const std::string& text) {
  const std::string flag = "-v " + text;
  std::vector<std::string> parts = Split(text, ':');
  if (parts.size() == 1) {
    MountRequest anonymous;
    anonymous.type = MountRequest::Type::kVolume;
    anonymous.target = text;
    anonymous.anonymous = true;
    MB_RETURN_IF_ERROR(CheckTarget(anonymous.target, flag));
    return anonymous;
  }
  if (parts.size() > 3) return InvalidArgument(flag + ": expected HOST:CONTAINER[:ro|rw]");
  MountRequest mount;
  mount.source = parts[0];
  mount.target = parts[1];
  const bool named = !parts[0].empty() && parts[0][0] != '/';
  if (named) mount.type = MountRequest::Type::kVolume;
  if (parts.size() == 3) {
    for (const std::string& option : Split(parts[2], ',')) {
      if (option == "ro") {
        mount.read_only = true;
      } else if (option != "rw") {
        return InvalidArgument(flag + ": unknown option \"" + option + "\" (expected ro or rw)");
      }
    }
  }
  MB_RETURN_IF_ERROR(CheckTarget(mount.target, flag));
  MB_RETURN_IF_ERROR(named ? CheckVolumeName(parts[0], flag) : CheckSource(mount.source, flag));
  return mount;
}

StatusOr<MountRequest> ParseMountFlag(const std::string& text) {
  const std::string flag = "--mount " + text;
  MountRequest mount;
  std::string type;
  bool has_source = false;
  for (const std::string& field : Split(text, ',')) {
    size_t equals = field.find('=');
    std::string key = field.substr(0, equals);
    std::string value = equals == std::string::npos ? "" : field.substr(equals + 1);
    if (key == "type") {
      type = value;
    } else if (key == "source" || key == "src") {
      mount.source = value;
      has_source = true;
    } else if (key == "target" || key == "destination" || key == "dst") {
      mount.target = value;
    } else if (key == "readonly" || key == "ro") {
      MB_ASSIGN_OR_RETURN(mount.read_only, ParseBool(value, flag));
    } else if (key == "tmpfs-size") {
      MB_ASSIGN_OR_RETURN(mount.tmpfs_size_bytes, ParseSize(value, flag));
    } else {
      return InvalidArgument(flag + ": unknown field \"" + key +
                             "\" (expected type, source, target, readonly or tmpfs-size)");
    }
  }
  if (type == "bind") {
    mount.type = MountRequest::Type::kBind;
    if (!has_source) return InvalidArgument(flag + ": type=bind needs source=HOST_PATH");
    MB_RETURN_IF_ERROR(CheckSource(mount.source, flag));
    if (mount.tmpfs_size_bytes != 0) return InvalidArgument(flag + ": tmpfs-size is for type=tmpfs");
  } else if (type == "tmpfs") {
    mount.type = MountRequest::Type::kTmpfs;
    if (has_source) return InvalidArgument(flag + ": type=tmpfs takes no source");
  } else if (type == "volume" || type.empty()) {
    mount.type = MountRequest::Type::kVolume;
    if (has_source) {
      MB_RETURN_IF_ERROR(CheckVolumeName(mount.source.string(), flag));
    } else {
      mount.anonymous = true;
    }
    if (mount.tmpfs_size_bytes != 0) return InvalidArgument(flag + ": tmpfs-size is for type=tmpfs");
  } else {
    return InvalidArgument(flag + ": unknown type \"" + type + "\" (expected bind, volume or tmpfs)");
  }
  MB_RETURN_IF_ERROR(CheckTarget(mount.target, flag));
  return mount;
}

StatusOr<std::string> ParseAddHost(const std::string& text) {
  size_t at = text.find('=');
  if (at == std::string::npos) at = text.find(':');
  if (at == std::string::npos || at == 0 || at + 1 == text.size()) {
    return InvalidArgument("--add-host " + text + ": expected NAME:IP or NAME=IP");
  }
  std::string name = text.substr(0, at);
  std::string ip = text.substr(at + 1);
  if (ip.size() > 2 && ip.front() == '[' && ip.back() == ']') ip = ip.substr(1, ip.size() - 2);
  unsigned char buffer[16];
  if (inet_pton(AF_INET, ip.c_str(), buffer) != 1 && inet_pton(AF_INET6, ip.c_str(), buffer) != 1) {
    return InvalidArgument("--add-host " + text + ": \"" + ip + "\" is not an IP address");
  }
  for (char c : name) {
    if (std::isspace(static_cast<unsigned char>(c)) || c == '#') {
      return InvalidArgument("--add-host " + text + ": \"" + name + "\" is not a host name");
    }
  }
  return ip + "\t" + name;
}

}  // namespace mybuild::engine

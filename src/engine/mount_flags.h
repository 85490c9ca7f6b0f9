// docker run's -v, --mount and --add-host values, parsed and checked (compose's short volume syntax is
// the same as -v).
#ifndef MYBUILD_ENGINE_MOUNT_FLAGS_H_
#define MYBUILD_ENGINE_MOUNT_FLAGS_H_

#include <cstdint>
#include <filesystem>
#include <string>

#include "src/base/status.h"

namespace mybuild::engine {

// A mount of the container: a host path bound (-v HOST:CTR[:ro], --mount type=bind), a named volume
// (-v NAME:CTR, --mount type=volume; volume_store.h) or a tmpfs.
struct MountRequest {
  enum class Type { kBind, kTmpfs, kVolume };
  Type type = Type::kBind;
  std::filesystem::path source;  // kBind: an absolute host path that exists; kVolume: the volume's name
  std::string target;            // absolute container path
  bool read_only = false;
  uint64_t tmpfs_size_bytes = 0;  // kTmpfs: 0 = the kernel's default
  // kVolume: an anonymous volume (-v /CTR, the image's Volumes): named when the container is created (64
  // random hex digits), removed with the container by `rm -v` and `run --rm`.
  bool anonymous = false;
};

// -v HOST:CTR[:OPTIONS] or -v NAME:CTR[:OPTIONS] with OPTIONS ro, rw (comma-separated). HOST must be
// an absolute path that exists; NAME a volume name (IsVolumeName). -v /CTR is an anonymous volume
// (kVolume, anonymous, no source yet).
StatusOr<MountRequest> ParseVolumeFlag(const std::string& text);
// --mount type=bind|volume|tmpfs,source=…,target=…[,readonly][,tmpfs-size=BYTES] (src/dst/destination
// and ro are accepted as in docker; type=volume without a source is an anonymous volume).
StatusOr<MountRequest> ParseMountFlag(const std::string& text);

// docker's volume names: [a-zA-Z0-9][a-zA-Z0-9_.-]+ (at least two characters), at most 255 bytes.
bool IsVolumeName(const std::string& name);

// --add-host NAME:IP or NAME=IP (IPv4 or IPv6): the /etc/hosts line "IP\tNAME".
StatusOr<std::string> ParseAddHost(const std::string& text);

}  // namespace mybuild::engine

#endif  // MYBUILD_ENGINE_MOUNT_FLAGS_H_

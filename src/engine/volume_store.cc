#include "src/engine/volume_store.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>

#include "src/engine/mount_flags.h"

namespace mybuild::engine {
namespace {

Status CheckName(const std::string& name) {
  if (!IsVolumeName(name)) return InvalidArgument("\"" + name + "\" is not a volume name ([a-zA-Z0-9][a-zA-Z0-9_.-]+)");
  return Status::Ok();
}

}  // namespace

StatusOr<VolumeStore> VolumeStore::Open(const std::filesystem::path& root) {
  std::filesystem::path dir = root / "volumes";
  if (mkdir(dir.c_str(), 0700) < 0 && errno != EEXIST) return ErrnoError("mkdir " + dir.string());
  return VolumeStore(dir);
}

StatusOr<cache::FileLock> VolumeStore::Lock() const {
  return cache::FileLock::Acquire(dir_ / "lock", cache::FileLock::Mode::kExclusive);
}

StatusOr<std::filesystem::path> VolumeStore::Ensure(const std::string& name, bool& created) {
  MB_RETURN_IF_ERROR(CheckName(name));
  created = false;
  const std::filesystem::path volume = dir_ / name;
  const std::filesystem::path data = volume / "_data";
  if (mkdir(volume.c_str(), 0700) < 0) {
    if (errno != EEXIST) return ErrnoError("mkdir " + volume.string());
  }
  if (mkdir(data.c_str(), 0755) == 0) {
    created = true;
  } else if (errno != EEXIST) {
    return ErrnoError("mkdir " + data.string());
  }
  return data;
}

bool VolumeStore::Exists(const std::string& name) const {
  std::error_code error;
  return IsVolumeName(name) && std::filesystem::is_directory(dir_ / name / "_data", error);
}

StatusOr<std::vector<std::string>> VolumeStore::List() const {
  std::vector<std::string> names;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir_, error)) {
    const std::string name = entry.path().filename().string();
    if (Exists(name)) names.push_back(name);
  }
  if (error) return Status(StatusCode::kIo, "list " + dir_.string() + ": " + error.message());
  std::sort(names.begin(), names.end());
  return names;
}

Status VolumeStore::Remove(const std::string& name) {
  MB_RETURN_IF_ERROR(CheckName(name));
  if (!Exists(name)) return NotFound("no such volume: " + name);
  std::error_code error;
  std::filesystem::remove_all(dir_ / name, error);
  if (error) return Status(StatusCode::kIo, "remove " + (dir_ / name).string() + ": " + error.message());
  return Status::Ok();
}

}  // namespace mybuild::engine

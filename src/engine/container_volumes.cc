#include "src/engine/container_volumes.h"

#include <unistd.h>

#include <algorithm>

#include "snapshotter/rootfs.h"
#include "src/fileops/copier.h"
#include "src/fileops/source_walker.h"

namespace mybuild::engine {
namespace {

// Copies the directory `target` of `root` (if it is one) into the new volume `data`.
Status Seed(const snapshotter::RootFs& root, const std::string& target, const std::filesystem::path& data) {
  const std::string rel = target.substr(target.find_first_not_of('/'));
  StatusOr<struct stat> source = fileops::StatSource(root, rel);
  if (!source.ok() && source.status().code() == StatusCode::kNotFound) return Status::Ok();  // nothing there
  MB_RETURN_IF_ERROR(source.status());
  if (!S_ISDIR(source->st_mode)) return Status::Ok();  // a file there: mounted over, nothing to copy
  MB_ASSIGN_OR_RETURN(snapshotter::RootFs volume, snapshotter::RootFs::Open(data, false, "the volume"));
  fileops::CopySpec spec;
  spec.sources = {fileops::CopySource::Path(rel)};
  spec.dest = "/";
  spec.root_kind = fileops::SourceRootKind::kStage;  // owners kept
  fileops::CopyEnvironment env;
  env.source_root = &root;
  env.dest = &volume;
  MB_RETURN_IF_ERROR(fileops::ExecuteCopy(spec, env).status());
  if (chown(data.c_str(), source->st_uid, source->st_gid) < 0) return ErrnoError("chown " + data.string());
  if (chmod(data.c_str(), source->st_mode & 07777) < 0) return ErrnoError("chmod " + data.string());
  return Status::Ok();
}

}  // namespace

StatusOr<ContainerSettings> AttachVolumes(ContainerSettings settings, const std::filesystem::path& rootfs,
                                          VolumeStore& volumes) {
  std::optional<cache::FileLock> lock;
  std::optional<snapshotter::RootFs> root;
  for (MountRequest& mount : settings.mounts) {
    if (mount.type != MountRequest::Type::kVolume) continue;
    if (!lock) {
      MB_ASSIGN_OR_RETURN(cache::FileLock held, volumes.Lock());
      lock = std::move(held);
    }
    const std::string name = mount.source.string();
    bool created = false;
    MB_ASSIGN_OR_RETURN(std::filesystem::path data, volumes.Ensure(name, created));
    if (created) {
      if (!root) {
        MB_ASSIGN_OR_RETURN(snapshotter::RootFs opened, snapshotter::RootFs::Open(rootfs, false, "the container"));
        root.emplace(std::move(opened));
      }
      Status seeded = Seed(*root, mount.target, data);
      if (!seeded.ok()) {
        volumes.Remove(name).IgnoreError();  // a half-filled volume would be taken as filled next time
        return seeded.WithContext("filling the new volume " + name + " from " + mount.target);
      }
    }
    mount.type = MountRequest::Type::kBind;
    mount.source = data;
  }
  return settings;
}

Status RemoveAnonymousVolumes(const std::filesystem::path& root, const ContainerSettings& settings) {
  const bool any = std::any_of(settings.mounts.begin(), settings.mounts.end(), [](const MountRequest& mount) {
    return mount.type == MountRequest::Type::kVolume && mount.anonymous;
  });
  if (!any) return Status::Ok();
  MB_ASSIGN_OR_RETURN(VolumeStore volumes, VolumeStore::Open(root));
  MB_ASSIGN_OR_RETURN(cache::FileLock lock, volumes.Lock());
  for (const MountRequest& mount : settings.mounts) {
    if (mount.type != MountRequest::Type::kVolume || !mount.anonymous || mount.source.empty()) continue;
    Status removed = volumes.Remove(mount.source.string());
    if (!removed.ok() && removed.code() != StatusCode::kNotFound) return removed;
  }
  return Status::Ok();
}

Status RemoveVolume(VolumeStore& volumes, const ContainerStore& containers, const std::string& name) {
  MB_ASSIGN_OR_RETURN(cache::FileLock lock, volumes.Lock());
  if (!volumes.Exists(name)) return NotFound("no such volume: " + name);
  MB_ASSIGN_OR_RETURN(std::vector<ContainerRecord> records, containers.List());
  std::string users;
  for (const ContainerRecord& record : records) {
    for (const MountRequest& mount : record.settings.mounts) {
      if (mount.type == MountRequest::Type::kVolume && mount.source == name) {
        users += (users.empty() ? "" : ", ") + record.id.substr(0, 12);
        break;
      }
    }
  }
  if (!users.empty()) return FailedPrecondition("remove " + name + ": volume is in use - [" + users + "]");
  return volumes.Remove(name);
}

}  // namespace mybuild::engine

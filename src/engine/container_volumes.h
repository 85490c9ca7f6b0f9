// A container's named volumes (volume_store.h) made ready for a start: each volume is created when
// missing and then, as docker does, filled from the container's own filesystem at its target (the
// image's content there: files, links, owners, modes and times, through the copier's confined reads,
// fileops/copier.h), the volume's root taking the owner and mode of that directory. An existing volume
// is mounted as it is. The mounts become bind mounts of the volumes' _data directories.
#ifndef MYBUILD_ENGINE_CONTAINER_VOLUMES_H_
#define MYBUILD_ENGINE_CONTAINER_VOLUMES_H_

#include <filesystem>

#include "src/base/status.h"
#include "src/engine/container_settings.h"
#include "src/engine/container_store.h"
#include "src/engine/volume_store.h"

namespace mybuild::engine {

// `rootfs`: the container's mounted filesystem (host path).
StatusOr<ContainerSettings> AttachVolumes(ContainerSettings settings, const std::filesystem::path& rootfs,
                                          VolumeStore& volumes);

// Removes the anonymous volumes of `settings` (`rm -v`, `run --rm`), as docker does; a missing one is
// not an error. `root`: the state root.
Status RemoveAnonymousVolumes(const std::filesystem::path& root, const ContainerSettings& settings);

// `volume rm`: kFailedPrecondition "volume is in use" (naming the containers) while any container,
// running or not, mounts it, as docker refuses; kNotFound when there is no such volume.
Status RemoveVolume(VolumeStore& volumes, const ContainerStore& containers, const std::string& name);

}  // namespace mybuild::engine

#endif  // MYBUILD_ENGINE_CONTAINER_VOLUMES_H_

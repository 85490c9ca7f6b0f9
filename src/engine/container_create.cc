#include "src/engine/container_create.h"

#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "src/engine/container_names.h"
#include "src/engine/container_settings.h"
#include "src/engine/container_time.h"
#include "src/worker/image_unpack.h"

namespace mybuild::engine {
namespace {

// Without --name, a generated one (docker's style) that no container has; another is drawn when a
// concurrent create took it first.
StatusOr<ContainerRecord> CreateRecord(ContainerStore& store, ContainerRecord record) {
  if (!record.name.empty()) return store.Create(std::move(record));
  for (int attempt = 0;; ++attempt) {
    MB_ASSIGN_OR_RETURN(std::vector<ContainerRecord> existing, store.List());
    std::set<std::string> names;
    for (const ContainerRecord& other : existing) names.insert(other.name);
    ContainerRecord named = record;
    named.name = GenerateContainerName(KernelRandom, [&](const std::string& name) { return names.count(name) > 0; });
    StatusOr<ContainerRecord> created = store.Create(std::move(named));
    if (created.ok() || created.status().code() != StatusCode::kAlreadyExists || attempt >= 3) return created;
  }
}

// The image's Volumes that no mount covers become anonymous volumes (as docker creates them), and every
// anonymous volume gets its name: 64 random hex digits.
Status AddAnonymousVolumes(std::vector<MountRequest>& mounts, const std::vector<std::string>& image_volumes) {
  for (const std::string& volume : image_volumes) {
    const std::string target = std::filesystem::path(volume).lexically_normal().string();
    if (target.empty() || target[0] != '/' || target == "/") continue;  // docker ignores what it cannot mount
    const bool covered = std::any_of(mounts.begin(), mounts.end(), [&](const MountRequest& mount) {
      return std::filesystem::path(mount.target).lexically_normal() == std::filesystem::path(target);
    });
    if (covered) continue;
    MountRequest anonymous;
    anonymous.type = MountRequest::Type::kVolume;
    anonymous.target = target;
    anonymous.anonymous = true;
    mounts.push_back(std::move(anonymous));
  }
  for (MountRequest& mount : mounts) {
    if (mount.type != MountRequest::Type::kVolume || !mount.anonymous || !mount.source.empty()) continue;
    MB_ASSIGN_OR_RETURN(std::string name, NewContainerId());
    mount.source = name;
  }
  return Status::Ok();
}

}  // namespace

StatusOr<NewContainer> CreateContainer(const CreateDeps& deps, const RunOptions& options) {
  const RunFlags& flags = options.flags;
  MB_ASSIGN_OR_RETURN(image::StoredImage image, deps.images->Get(flags.image, options.pull));
  MB_ASSIGN_OR_RETURN(std::string id, NewContainerId());
  std::string hostname = flags.hostname.empty() ? id.substr(0, 12) : flags.hostname;
  MB_ASSIGN_OR_RETURN(ContainerProcess process, DecideProcess(image.config.config, options, hostname));
  int stop_signal = options.stop_signal;
  if (stop_signal == 0 && !image.config.config.stop_signal.empty()) {
    MB_ASSIGN_OR_RETURN(stop_signal, ParseSignal(image.config.config.stop_signal));
  }
  if (stop_signal == 0) stop_signal = SIGTERM;

  MB_ASSIGN_OR_RETURN(ContainerStore store, ContainerStore::Open(deps.root));
  ContainerRecord record;
  record.id = id;
  record.name = flags.name;
  record.image = flags.image;
  record.image_digest = image.manifest_digest.ToString();
  record.args = process.args;
  record.created = FormatTimeNanos(NowNanos());
  record.labels = flags.labels;
  record.settings = MakeSettings(options, std::move(process), std::move(hostname), stop_signal, deps.snapshotter_choice);
  if (!record.settings.healthcheck) record.settings.healthcheck = image.config.config.healthcheck;
  MB_RETURN_IF_ERROR(AddAnonymousVolumes(record.settings.mounts, image.config.config.volumes));
  MB_ASSIGN_OR_RETURN(record, CreateRecord(store, std::move(record)));

  StatusOr<worker::SnapshotResult> chain =
      worker::UnpackImageLayers(*deps.blobs, *deps.snapshots, image, deps.scratch_dir, flags.image);
  if (!chain.ok()) {
    store.Remove(record.id).IgnoreError();
    return chain.status();
  }
  return NewContainer{std::move(record), chain->snapshot};
}

}  // namespace mybuild::engine

#include "src/engine/container_create.h"

#include <signal.h>

#include "src/engine/container_settings.h"
#include "src/engine/container_time.h"
#include "src/worker/image_unpack.h"

namespace mybuild::engine {

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
  MB_ASSIGN_OR_RETURN(record, store.Create(std::move(record)));

  StatusOr<worker::SnapshotResult> chain =
      worker::UnpackImageLayers(*deps.blobs, *deps.snapshots, image, deps.scratch_dir, flags.image);
  if (!chain.ok()) {
    store.Remove(record.id).IgnoreError();
    return chain.status();
  }
  return NewContainer{std::move(record), chain->snapshot};
}

}  // namespace mybuild::engine

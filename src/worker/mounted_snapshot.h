// A snapshot mounted on a private mountpoint for the length of one step (RAII).
//
// Writable: Prepare(key, parent) + mount; Commit() unmounts, diffs, writes the layer and commits the
// snapshot under a name. Read-only: View(key, parent) + mount, for COPY --from and RUN --mount sources.
// Whatever is not committed is unmounted and removed on destruction, so a failed or cancelled step
// leaves no mount and no active snapshot behind.
#ifndef MYBUILD_WORKER_MOUNTED_SNAPSHOT_H_
#define MYBUILD_WORKER_MOUNTED_SNAPSHOT_H_

#include <filesystem>
#include <string>
#include <vector>

#include "cache/blob_store.h"
#include "snapshotter/scoped_mount.h"
#include "snapshotter/snapshotter.h"
#include "src/base/status.h"
#include "src/image/layer_writer.h"
#include "src/worker/step_result.h"

namespace mybuild::worker {

class MountedSnapshot {
 public:
  enum class Mode { kWritable, kReadOnly };

  // `parent` is a committed snapshot name or "" (empty filesystem). The mountpoint is created under
  // `scratch_dir`.
  static StatusOr<MountedSnapshot> Open(snapshotter::Snapshotter& snapshotter, const std::string& parent,
                                        Mode mode, const std::filesystem::path& scratch_dir);
  MountedSnapshot() = default;
  ~MountedSnapshot();
  MountedSnapshot(MountedSnapshot&&) noexcept;
  MountedSnapshot& operator=(MountedSnapshot&&) noexcept;
  MountedSnapshot(const MountedSnapshot&) = delete;
  MountedSnapshot& operator=(const MountedSnapshot&) = delete;

  const std::filesystem::path& path() const { return mountpoint_; }

  // Writable only: unmounts, writes the diff (minus paths at or below `ignored`) as a layer into
  // `blobs`, and commits the snapshot as `name`. If `name` exists already (another build made the same
  // step), that one is kept. Returns the new layer.
  StatusOr<LayerRef> Commit(const std::string& name, const cache::BlobStore& blobs,
                            const image::LayerOptions& options, const std::vector<std::string>& ignored = {});
  // Writable only: unmounts and commits the snapshot as `name` without diffing or writing a layer (for a
  // snapshot whose layer blob exists already, e.g. an unpacked base image layer). An existing `name` is
  // kept, as in Commit().
  Status CommitWithoutLayer(const std::string& name);

 private:
  void Release();
  // Commits the (unmounted) active snapshot as `name`; an existing `name` wins and ours is removed.
  Status CommitKey(const std::string& name);

  snapshotter::Snapshotter* snapshotter_ = nullptr;
  std::string key_;
  std::filesystem::path mountpoint_;
  snapshotter::ScopedMount mount_;
};

// A unique snapshot key for an active snapshot or view ("active-<pid>-<n>-<random>").
std::string NewActiveKey();

}  // namespace mybuild::worker

#endif  // MYBUILD_WORKER_MOUNTED_SNAPSHOT_H_

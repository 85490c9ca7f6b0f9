#include "src/worker/mounted_snapshot.h"

#include <unistd.h>

#include <atomic>
#include <random>
#include <system_error>

#include "src/image/snapshot_layer.h"

namespace mybuild::worker {
namespace {

bool IsAtOrBelow(const std::string& path, const std::string& prefix) {
  if (prefix.empty()) return true;
  return path == prefix || (path.size() > prefix.size() && path.compare(0, prefix.size(), prefix) == 0 &&
                            path[prefix.size()] == '/');
}

std::string StripSlashes(std::string path) {
  while (!path.empty() && path.front() == '/') path.erase(path.begin());
  while (!path.empty() && path.back() == '/') path.pop_back();
  return path;
}

}  // namespace

std::string NewActiveKey() {
  static std::atomic<uint64_t> counter{0};
  static const uint64_t seed = std::random_device{}();
  return "active-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" + std::to_string(seed);
}

StatusOr<MountedSnapshot> MountedSnapshot::Open(snapshotter::Snapshotter& snapshotter, const std::string& parent,
                                                Mode mode, const std::filesystem::path& scratch_dir) {
  MountedSnapshot out;
  out.snapshotter_ = &snapshotter;
  out.key_ = NewActiveKey();
  StatusOr<std::vector<snapshotter::Mount>> mounts = mode == Mode::kWritable
                                                         ? snapshotter.Prepare(out.key_, parent)
                                                         : snapshotter.View(out.key_, parent);
  if (!mounts.ok()) {
    out.key_.clear();
    return mounts.status();
  }
  out.mountpoint_ = scratch_dir / ("mnt-" + out.key_);
  std::error_code error;
  std::filesystem::create_directories(out.mountpoint_, error);
  if (error) return Status(StatusCode::kIo, "mkdir " + out.mountpoint_.string() + ": " + error.message());
  MB_ASSIGN_OR_RETURN(out.mount_, snapshotter::ScopedMount::MountAll(*mounts, out.mountpoint_));
  return out;
}

MountedSnapshot::~MountedSnapshot() { Release(); }

MountedSnapshot::MountedSnapshot(MountedSnapshot&& other) noexcept
    : snapshotter_(other.snapshotter_),
      key_(std::move(other.key_)),
      mountpoint_(std::move(other.mountpoint_)),
      mount_(std::move(other.mount_)) {
  other.key_.clear();
  other.mountpoint_.clear();
}

MountedSnapshot& MountedSnapshot::operator=(MountedSnapshot&& other) noexcept {
  if (this != &other) {
    Release();
    snapshotter_ = other.snapshotter_;
    key_ = std::move(other.key_);
    mountpoint_ = std::move(other.mountpoint_);
    mount_ = std::move(other.mount_);
    other.key_.clear();
    other.mountpoint_.clear();
  }
  return *this;
}

void MountedSnapshot::Release() {
  if (mount_.active()) mount_.Unmount().IgnoreError();
  if (!mountpoint_.empty()) {
    std::error_code ignored;
    std::filesystem::remove(mountpoint_, ignored);  // only an empty directory: never what was mounted
    mountpoint_.clear();
  }
  if (snapshotter_ != nullptr && !key_.empty()) snapshotter_->Remove(key_).IgnoreError();
  key_.clear();
}

StatusOr<LayerRef> MountedSnapshot::Commit(const std::string& name, const cache::BlobStore& blobs,
                                           const image::LayerOptions& options,
                                           const std::vector<std::string>& ignored) {
  if (key_.empty()) return FailedPrecondition("snapshot already released");
  MB_RETURN_IF_ERROR(mount_.Unmount());
  MB_ASSIGN_OR_RETURN(std::vector<snapshotter::LayerEntry> entries, snapshotter_->Diff(key_));
  if (!ignored.empty()) {
    std::vector<std::string> prefixes;
    for (const std::string& path : ignored) prefixes.push_back(StripSlashes(path));
    std::erase_if(entries, [&](const snapshotter::LayerEntry& entry) {
      for (const std::string& prefix : prefixes) {
        if (!prefix.empty() && IsAtOrBelow(entry.path, prefix)) return true;
      }
      return false;
    });
  }
  MB_ASSIGN_OR_RETURN(image::LayerResult layer, image::WriteSnapshotLayer(entries, blobs, options));
  MB_RETURN_IF_ERROR(CommitKey(name));
  return LayerRef{layer.blob.digest, layer.diff_id, layer.blob.media_type, static_cast<uint64_t>(layer.blob.size)};
}

Status MountedSnapshot::CommitWithoutLayer(const std::string& name) {
  if (key_.empty()) return FailedPrecondition("snapshot already released");
  MB_RETURN_IF_ERROR(mount_.Unmount());
  return CommitKey(name);
}

Status MountedSnapshot::CommitKey(const std::string& name) {
  Status committed = snapshotter_->Commit(name, key_);
  if (committed.code() == StatusCode::kAlreadyExists) {
    snapshotter_->Remove(key_).IgnoreError();  // another build committed the same step first: keep theirs
  } else if (!committed.ok()) {
    return committed;
  }
  key_.clear();
  return Status::Ok();
}

}  // namespace mybuild::worker

#include "cache/gc.h"

#include <unistd.h>

#include <cerrno>
#include <optional>


namespace mybuild::cache {

std::filesystem::path GcLockPath(const std::filesystem::path& root) { return root / "gc.lock"; }
std::filesystem::path GcGatePath(const std::filesystem::path& root) { return root / "gc.gate"; }

namespace {

// Takes `path` in `mode`; when that has to wait, calls `before_waiting` first (once per acquisition).
StatusOr<FileLock> AcquireAnnounced(const std::filesystem::path& path, FileLock::Mode mode,
                                    const std::function<void()>& before_waiting, bool& announced) {
  MB_ASSIGN_OR_RETURN(std::optional<FileLock> lock, FileLock::TryAcquire(path, mode));
  if (lock) return std::move(*lock);
  if (before_waiting && !announced) before_waiting();
  announced = true;
  return FileLock::Acquire(path, mode);
}

}  // namespace

StatusOr<FileLock> AcquireGcLock(const std::filesystem::path& root, FileLock::Mode mode,
                                 const std::function<void()>& before_waiting) {
  bool announced = false;
  if (mode == FileLock::Mode::kShared) {
    // Through the gate (closed while a prune waits), then the lock; the gate is left at once.
    MB_ASSIGN_OR_RETURN(FileLock gate, AcquireAnnounced(GcGatePath(root), mode, before_waiting, announced));
    return AcquireAnnounced(GcLockPath(root), mode, before_waiting, announced);
  }
  // The gate stays closed until the lock is held: commands that start meanwhile wait for this prune.
  MB_ASSIGN_OR_RETURN(FileLock gate, FileLock::Acquire(GcGatePath(root), mode));
  return AcquireAnnounced(GcLockPath(root), mode, before_waiting, announced);
}

size_t GcReport::Count(Kind kind) const {
  size_t count = 0;
  for (const Item& item : items) count += item.kind == kind ? 1 : 0;
  return count;
}

uint64_t GcReport::Bytes() const {
  uint64_t bytes = 0;
  for (const Item& item : items) bytes += item.bytes;
  return bytes;
}

std::string KindName(GcReport::Kind kind) {
  switch (kind) {
    case GcReport::Kind::kCacheRecord: return "cache record";
    case GcReport::Kind::kSnapshot: return "snapshot";
    case GcReport::Kind::kBlob: return "blob";
    case GcReport::Kind::kIngest: return "ingest file";
    case GcReport::Kind::kScratch: return "scratch directory";
    case GcReport::Kind::kCacheMount: return "cache mount";
  }
  return "?";
}

Status SweepBlobs(const BlobStore& store, const LiveSet& live, bool dry_run, GcReport& report) {
  MB_ASSIGN_OR_RETURN(std::vector<BlobInfo> blobs, store.List());
  for (const BlobInfo& blob : blobs) {
    if (live.blobs.count(blob.digest)) continue;
    if (!dry_run) MB_RETURN_IF_ERROR(store.Delete(blob.digest));
    report.Add(GcReport::Kind::kBlob, blob.digest.ToString(), blob.size);
  }
  return Status::Ok();
}

Status SweepIngest(const BlobStore& store, bool dry_run, GcReport& report) {
  MB_ASSIGN_OR_RETURN(std::vector<BlobStore::IngestFile> files, store.ListIngest(0));
  for (const BlobStore::IngestFile& file : files) {
    if (!dry_run && ::unlink(file.path.c_str()) != 0 && errno != ENOENT) {
      return ErrnoError("unlink " + file.path.string());
    }
    report.Add(GcReport::Kind::kIngest, file.path.string(), file.size);
  }
  return Status::Ok();
}

}  // namespace mybuild::cache

#include "cache/gc.h"

#include <unistd.h>

#include <cerrno>
#include <optional>


namespace mybuild::cache {

std::filesystem::path GcLockPath(const std::filesystem::path& root) { return root / "gc.lock"; }

StatusOr<FileLock> AcquireGcLock(const std::filesystem::path& root, FileLock::Mode mode,
                                 const std::function<void()>& before_waiting) {
  const std::filesystem::path path = GcLockPath(root);
  MB_ASSIGN_OR_RETURN(std::optional<FileLock> lock, FileLock::TryAcquire(path, mode));
  if (lock) return std::move(*lock);
  if (before_waiting) before_waiting();
  return FileLock::Acquire(path, mode);
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

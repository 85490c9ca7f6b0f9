// The cache index of a build with `--cache-from`: the root's own index first, then the imported caches
// (directories or registries, cache_layout.h), in the order given. A hit in an imported cache fetches
// the record's missing layer blobs into the root's blob store (verified on the way in), checks that each
// layer decompresses to the diff_id the record claims (unpacked layers are shared snapshots named after
// diff_ids: a wrong claim must not reach them), records it in the root's index, and returns it with every
// layer pending: the worker unpacks them only if a later step needs the filesystem. A record whose blobs cannot be fetched (a damaged cache, a registry gone) is a
// miss, with a warning. A record of the root's own index whose blobs are gone (pruned) is passed over for
// an imported one.
#ifndef MYBUILD_WORKER_IMPORTED_CACHE_INDEX_H_
#define MYBUILD_WORKER_IMPORTED_CACHE_INDEX_H_

#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "cache/blob_store.h"
#include "src/solver/cache_index.h"
#include "src/worker/cache_layout.h"
#include "src/worker/step_result.h"

namespace mybuild::worker {

// One imported cache: where it came from (for messages), its records, and how to bring one of its
// layer blobs into the root's store. `fetch_layer` may be called from several threads at once.
struct ImportedCache {
  std::string origin;
  std::map<Digest, SnapshotResult> records;
  std::function<Status(const LayerRef&)> fetch_layer;
};

class ImportedCacheIndex final : public solver::CacheIndex {
 public:
  // `local` and `blobs` must outlive this index.
  ImportedCacheIndex(solver::CacheIndex& local, const cache::BlobStore& blobs, std::vector<ImportedCache> imported)
      : local_(local), blobs_(blobs), imported_(std::move(imported)) {}

  StatusOr<std::optional<solver::StepResult>> Lookup(const Digest& key) override;
  Status Record(const Digest& key, const solver::StepResult& result) override { return local_.Record(key, result); }

 private:
  // Brings an imported record's layers into the root's store, each checked against its diff_id once.
  Status FetchLayers(const ImportedCache& cache, const SnapshotResult& result);

  solver::CacheIndex& local_;
  const cache::BlobStore& blobs_;
  const std::vector<ImportedCache> imported_;
  std::mutex mutex_;
  std::set<Digest> checked_;  // layer blobs whose diff_id was checked (guarded by mutex_)
};

// An imported cache read from a directory: its layers are copied from the directory's blob store.
ImportedCache ImportFromLayout(CacheLayout layout, const std::filesystem::path& dir, const cache::BlobStore& root);

}  // namespace mybuild::worker

#endif  // MYBUILD_WORKER_IMPORTED_CACHE_INDEX_H_

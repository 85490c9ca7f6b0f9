// The cache index of a build with `--cache-from`: the root's own index first, then the caches read from
// directories (cache_layout.h). A hit in an imported cache copies the record's missing layer blobs into
// the root's blob store (verified), records it in the root's index, and returns it with every layer
// pending: the worker unpacks them only if a later step needs the filesystem. A record whose blobs cannot
// be copied (a damaged cache) is a miss, with a warning. A record of the root's own
// index whose blobs are gone (pruned) is passed over for an imported one.
#ifndef MYBUILD_WORKER_IMPORTED_CACHE_INDEX_H_
#define MYBUILD_WORKER_IMPORTED_CACHE_INDEX_H_

#include <vector>

#include "cache/blob_store.h"
#include "src/solver/cache_index.h"
#include "src/worker/cache_layout.h"

namespace mybuild::worker {

class ImportedCacheIndex final : public solver::CacheIndex {
 public:
  // `local` and `blobs` must outlive this index.
  ImportedCacheIndex(solver::CacheIndex& local, const cache::BlobStore& blobs, std::vector<CacheLayout> imported)
      : local_(local), blobs_(blobs), imported_(std::move(imported)) {}

  StatusOr<std::optional<solver::StepResult>> Lookup(const Digest& key) override;
  Status Record(const Digest& key, const solver::StepResult& result) override { return local_.Record(key, result); }

 private:
  solver::CacheIndex& local_;
  const cache::BlobStore& blobs_;
  const std::vector<CacheLayout> imported_;
};

}  // namespace mybuild::worker

#endif  // MYBUILD_WORKER_IMPORTED_CACHE_INDEX_H_

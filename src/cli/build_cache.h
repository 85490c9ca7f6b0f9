// `--cache-from` and `--cache-to` of a build: caches read from directories and registries before the
// solve, and the build's cache records written to them after it (worker/cache_layout.h).
#ifndef MYBUILD_CLI_BUILD_CACHE_H_
#define MYBUILD_CLI_BUILD_CACHE_H_

#include <vector>

#include "cache/blob_store.h"
#include "src/cli/cache_spec.h"
#include "src/solver/cache_index.h"
#include "src/solver/solver.h"
#include "src/worker/imported_cache_index.h"
#include "src/worker/step_result.h"

namespace mybuild::cli {

// The caches that can be read, their layers to be fetched into `blobs` on a hit. One that cannot be read
// (missing directory, unreachable registry, not a cache) is a warning and is left out, as buildx does:
// the build goes on without it.
std::vector<worker::ImportedCache> ImportCaches(const std::vector<CacheImportSpec>& specs,
                                                const cache::BlobStore& blobs);

// Writes the records of `solved` that `index` holds (the cacheable steps that ran or were cached) to
// every destination: with mode=min only those whose layers are a prefix of the built image's `target`
// layers, with mode=max all. A failure is returned unless the spec says ignore-error=true.
Status ExportCaches(const std::vector<CacheExportSpec>& specs, const solver::SolveResult& solved,
                    solver::CacheIndex& index, const cache::BlobStore& blobs, const worker::SnapshotResult& target);

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_BUILD_CACHE_H_

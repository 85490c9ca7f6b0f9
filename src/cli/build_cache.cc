#include "src/cli/build_cache.h"

#include <algorithm>
#include <map>

#include <spdlog/spdlog.h>

namespace mybuild::cli {
namespace {

bool IsPrefixOf(const std::vector<worker::LayerRef>& prefix, const std::vector<worker::LayerRef>& layers) {
  return prefix.size() <= layers.size() && std::equal(prefix.begin(), prefix.end(), layers.begin());
}

// Every recorded result of the solve, once per key.
StatusOr<std::map<Digest, worker::SnapshotResult>> RecordsOf(const solver::SolveResult& solved,
                                                              solver::CacheIndex& index) {
  std::map<Digest, worker::SnapshotResult> records;
  for (const auto& [vertex, outcome] : solved.vertices) {
    const bool produced =
        outcome.outcome == solver::VertexOutcome::kDone || outcome.outcome == solver::VertexOutcome::kCached;
    if (!produced || outcome.cache_key.empty() || records.count(outcome.cache_key)) continue;
    // Only cacheable steps have records: the index, not the solve, says which they are.
    MB_ASSIGN_OR_RETURN(std::optional<solver::StepResult> recorded, index.Lookup(outcome.cache_key));
    if (!recorded) continue;
    MB_ASSIGN_OR_RETURN(worker::SnapshotResult result, worker::DecodeResult(*recorded));
    records.emplace(outcome.cache_key, std::move(result));
  }
  return records;
}

}  // namespace

std::vector<worker::CacheLayout> ImportCaches(const std::vector<CacheImportSpec>& specs) {
  std::vector<worker::CacheLayout> layouts;
  for (const CacheImportSpec& spec : specs) {
    StatusOr<worker::CacheLayout> layout = worker::ReadCacheLayout(spec.src);
    if (!layout.ok()) {
      spdlog::warn("--cache-from {}: {} (building without it)", spec.src.string(), layout.status().ToString());
      continue;
    }
    spdlog::info("--cache-from {}: {} cached steps", spec.src.string(), layout->records.size());
    layouts.push_back(std::move(*layout));
  }
  return layouts;
}

Status ExportCaches(const std::vector<CacheExportSpec>& specs, const solver::SolveResult& solved,
                    solver::CacheIndex& index, const cache::BlobStore& blobs, const worker::SnapshotResult& target) {
  if (specs.empty()) return Status::Ok();
  MB_ASSIGN_OR_RETURN(auto records, RecordsOf(solved, index));
  for (const CacheExportSpec& spec : specs) {
    std::vector<worker::CacheRecord> selected;
    for (const auto& [key, result] : records) {
      if (spec.every_step || IsPrefixOf(result.layers, target.layers)) selected.push_back({key, result});
    }
    Status written = worker::WriteCacheLayout(spec.dest, blobs, selected);
    if (!written.ok()) {
      written = written.WithContext("exporting the cache to " + spec.dest.string());
      if (!spec.ignore_error) return written;
      spdlog::warn("{}", written.ToString());
      continue;
    }
    spdlog::info("--cache-to {}: {} cached steps", spec.dest.string(), selected.size());
  }
  return Status::Ok();
}

}  // namespace mybuild::cli

#include "src/cli/build_cache.h"

#include <algorithm>
#include <iostream>
#include <map>

#include <spdlog/spdlog.h>

#include "src/cli/registry_access.h"
#include "src/image/layer_variants.h"
#include "src/worker/cache_layout.h"

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

RegistryAccess AccessFor(const CacheLocation& location) {
  RegistryAccess access;
  access.insecure = location.insecure;
  const std::string ref = location.ref;
  access.log = [ref](const std::string& line) { spdlog::debug("cache {}: {}", ref, line); };
  return access;
}

StatusOr<worker::ImportedCache> ImportCache(const CacheLocation& location, const cache::BlobStore& blobs) {
  if (location.type == CacheLocation::Type::kRegistry) {
    return ImportRegistryCache(blobs, location.ref, AccessFor(location));
  }
  MB_ASSIGN_OR_RETURN(worker::CacheLayout layout, worker::ReadCacheLayout(location.path));
  return worker::ImportFromLayout(std::move(layout), location.path, blobs);
}

// The records with their layers gzip-compressed (the store keeps built layers uncompressed; a cache that
// travels is compressed, as BuildKit's is). Each layer is compressed once (layer_variants.h).
Status CompressLayers(const cache::BlobStore& blobs, std::vector<worker::CacheRecord>& records) {
  for (worker::CacheRecord& record : records) {
    for (worker::LayerRef& layer : record.result.layers) {
      const image::Descriptor stored{layer.media_type, layer.digest, static_cast<int64_t>(layer.size), {}, {}, {}};
      MB_ASSIGN_OR_RETURN(image::Descriptor encoded,
                          image::LayerInEncoding(blobs, stored, layer.diff_id, image::LayerEncoding{}));
      layer.media_type = encoded.media_type;
      layer.digest = encoded.digest;
      layer.size = static_cast<uint64_t>(encoded.size);
    }
  }
  return Status::Ok();
}

Status ExportCache(const CacheLocation& location, const cache::BlobStore& blobs,
                   std::span<const worker::CacheRecord> records) {
  if (location.type == CacheLocation::Type::kLocal) return worker::WriteCacheLayout(location.path, blobs, records);
  MB_ASSIGN_OR_RETURN(worker::StoredCache stored, worker::StoreCacheManifest(blobs, records));
  return PushToReference(blobs, stored.manifest, location.ref, AccessFor(location)).status();
}

}  // namespace

std::vector<worker::ImportedCache> ImportCaches(const std::vector<CacheImportSpec>& specs,
                                                const cache::BlobStore& blobs) {
  std::vector<worker::ImportedCache> caches;
  for (const CacheImportSpec& spec : specs) {
    StatusOr<worker::ImportedCache> cache = ImportCache(spec.location, blobs);
    if (!cache.ok()) {
      spdlog::warn("--cache-from {}: {} (building without it)", spec.location.ToString(), cache.status().ToString());
      continue;
    }
    spdlog::info("--cache-from {}: {} cached steps", spec.location.ToString(), cache->records.size());
    caches.push_back(std::move(*cache));
  }
  return caches;
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
    Status written = CompressLayers(blobs, selected);
    if (written.ok()) written = ExportCache(spec.location, blobs, selected);
    if (!written.ok()) {
      written = written.WithContext("exporting the cache to " + spec.location.ToString());
      if (!spec.ignore_error) return written;
      spdlog::warn("{}", written.ToString());
      continue;
    }
    std::cerr << "exported " << selected.size() << " cached steps to " << spec.location.ToString() << "\n";
  }
  return Status::Ok();
}

}  // namespace mybuild::cli

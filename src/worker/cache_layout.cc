#include "src/worker/cache_layout.h"

#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "src/base/files.h"
#include "src/image/descriptor.h"
#include "src/image/manifest.h"

namespace mybuild::worker {
namespace {

constexpr char kOciLayout[] = "{\"imageLayoutVersion\":\"1.0.0\"}";

// What a record carries to another machine: the layers and the time, every layer to be unpacked there.
SnapshotResult Portable(const SnapshotResult& result) {
  SnapshotResult portable;
  portable.layers = result.layers;
  portable.pending = result.layers.size();
  portable.created = result.created;
  return portable;
}

std::string SerializeRecords(std::span<const CacheRecord> records) {
  std::map<Digest, const CacheRecord*> sorted;
  for (const CacheRecord& record : records) sorted.emplace(record.key, &record);
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [key, record] : sorted) {
    list.push_back({{"key", key.ToString()},
                    {"result", nlohmann::json::parse(EncodeResult(Portable(record->result)).ref)}});
  }
  return image::CanonicalJson({{"schemaVersion", 1}, {"records", std::move(list)}});
}

StatusOr<std::map<Digest, SnapshotResult>> ParseRecords(std::string_view text) {
  MB_ASSIGN_OR_RETURN(nlohmann::json json, image::ParseJson(text, "cache records"));
  if (!json.is_object() || json.value("schemaVersion", 0) != 1 || !json.contains("records") ||
      !json["records"].is_array()) {
    return DataLoss("cache records: expected {\"schemaVersion\":1,\"records\":[…]}");
  }
  std::map<Digest, SnapshotResult> records;
  for (const nlohmann::json& record : json["records"]) {
    if (!record.is_object() || !record.contains("key") || !record["key"].is_string() || !record.contains("result") ||
        !record["result"].is_object()) {
      return DataLoss("cache records: a record is not {\"key\":…,\"result\":{…}}");
    }
    MB_ASSIGN_OR_RETURN(Digest key, Digest::Parse(record["key"].get<std::string>()));
    MB_ASSIGN_OR_RETURN(SnapshotResult result, DecodeResult(solver::StepResult{record["result"].dump()}));
    records.emplace(key, Portable(result));
  }
  return records;
}

}  // namespace

StatusOr<StoredCache> StoreCacheManifest(const cache::BlobStore& blobs, std::span<const CacheRecord> records) {
  StoredCache stored;
  image::Manifest manifest;
  std::set<Digest> seen;
  for (const CacheRecord& record : records) {
    for (const LayerRef& layer : record.result.layers) {
      if (!seen.insert(layer.digest).second) continue;
      if (!blobs.Has(layer.digest)) return NotFound("cached layer " + layer.digest.ToString() + " is not in the store");
      manifest.layers.push_back(
          image::Descriptor{layer.media_type, layer.digest, static_cast<int64_t>(layer.size), {}, {}, {}});
      stored.layers.push_back(layer.digest);
    }
  }
  MB_ASSIGN_OR_RETURN(cache::BlobInfo config, blobs.Put(SerializeRecords(records)));
  stored.records = config.digest;
  manifest.config = image::Descriptor{std::string(kCacheRecordsMediaType), config.digest,
                                      static_cast<int64_t>(config.size), {}, {}, {}};
  MB_ASSIGN_OR_RETURN(cache::BlobInfo written, blobs.Put(image::Serialize(manifest)));
  stored.manifest = written.digest;
  return stored;
}

StatusOr<std::map<Digest, SnapshotResult>> LoadCacheRecords(const cache::BlobStore& blobs, const Digest& manifest) {
  MB_ASSIGN_OR_RETURN(std::string manifest_text, blobs.ReadAll(manifest, image::kMaxJsonBytes));
  MB_ASSIGN_OR_RETURN(image::Manifest parsed, image::ParseManifest(manifest_text));
  if (parsed.config.media_type != kCacheRecordsMediaType) {
    return InvalidArgument("manifest " + manifest.ToString() + " is not a mybuild cache (config media type \"" +
                           parsed.config.media_type + "\")");
  }
  MB_ASSIGN_OR_RETURN(std::string records_text, blobs.ReadAll(parsed.config.digest, image::kMaxJsonBytes));
  return ParseRecords(records_text);
}

Status WriteCacheLayout(const std::filesystem::path& dir, const cache::BlobStore& blobs,
                        std::span<const CacheRecord> records) {
  MB_ASSIGN_OR_RETURN(StoredCache stored, StoreCacheManifest(blobs, records));
  MB_ASSIGN_OR_RETURN(cache::BlobStore out, cache::BlobStore::Open(dir));
  std::vector<Digest> copies = stored.layers;
  copies.push_back(stored.records);
  copies.push_back(stored.manifest);
  for (const Digest& digest : copies) {
    Status copied = out.CopyFrom(blobs, digest);
    if (!copied.ok()) return copied.WithContext("exporting blob " + digest.ToString());
  }
  MB_ASSIGN_OR_RETURN(uint64_t manifest_size, out.Size(stored.manifest));
  image::Index index;
  index.manifests.push_back(image::Descriptor{std::string(image::media_type::kOciManifest), stored.manifest,
                                              static_cast<int64_t>(manifest_size),
                                              {{std::string(image::kRefNameAnnotation), std::string(kCacheRefName)}},
                                              {}, {}});
  MB_RETURN_IF_ERROR(WriteFileAtomically(dir / "oci-layout", kOciLayout));
  MB_RETURN_IF_ERROR(WriteFileAtomically(dir / "index.json", image::Serialize(index)));
  std::error_code ignored;
  std::filesystem::remove(dir / "ingest", ignored);  // only when empty: it is no part of an OCI layout
  return Status::Ok();
}

StatusOr<CacheLayout> ReadCacheLayout(const std::filesystem::path& dir) {
  MB_ASSIGN_OR_RETURN(std::string index_text, ReadFile(dir / "index.json", image::kMaxJsonBytes));
  MB_ASSIGN_OR_RETURN(image::Index index, image::ParseIndex(index_text));
  const image::Descriptor* entry = nullptr;
  for (const image::Descriptor& candidate : index.manifests) {
    auto name = candidate.annotations.find(std::string(image::kRefNameAnnotation));
    if (name != candidate.annotations.end() && name->second == kCacheRefName) entry = &candidate;
  }
  if (entry == nullptr) {
    return NotFound((dir / "index.json").string() + " names no \"" + std::string(kCacheRefName) + "\" manifest");
  }
  MB_ASSIGN_OR_RETURN(cache::BlobStore blobs, cache::BlobStore::OpenExisting(dir));
  MB_ASSIGN_OR_RETURN(auto records, LoadCacheRecords(blobs, entry->digest));
  return CacheLayout{std::move(blobs), std::move(records)};
}

}  // namespace mybuild::worker

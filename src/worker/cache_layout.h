// Build cache carried between machines in a directory: what `--cache-to type=local,dest=DIR` writes and
// `--cache-from type=local,src=DIR` reads. The directory is an OCI image layout holding one artifact:
//   DIR/oci-layout          {"imageLayoutVersion":"1.0.0"}
//   DIR/index.json          an OCI index with one manifest, annotated org.opencontainers.image.ref.name =
//                           "mybuild-cache"; replaced atomically, last, so a reader sees the old cache or
//                           the new one
//   DIR/blobs/sha256/<hex>  that manifest, its config (the records) and every layer blob a record names;
//                           blobs of earlier exports stay (another cache may still name them)
// The manifest's config has media type kCacheRecordsMediaType and holds
//   {"schemaVersion":1,"records":[{"key":"sha256:…","result":<step_result.h JSON>},…]}
// sorted by key; its layers are the records' layer blobs, each once, in first-seen order. A record holds
// only what is portable: the layer chain and its creation time, no snapshot name (the importing machine
// unpacks the layers when a step needs the filesystem: every layer is "pending").
//
// Cache keys are content addresses (step definitions, source contents, base image manifest digests), so
// a record made on one machine is valid on any other.
#ifndef MYBUILD_WORKER_CACHE_LAYOUT_H_
#define MYBUILD_WORKER_CACHE_LAYOUT_H_

#include <filesystem>
#include <map>
#include <span>
#include <string_view>
#include <vector>

#include "cache/blob_store.h"
#include "src/base/digest.h"
#include "src/base/status.h"
#include "src/worker/step_result.h"

namespace mybuild::worker {

inline constexpr std::string_view kCacheRecordsMediaType = "application/vnd.mybuild.cache.records.v1+json";
inline constexpr std::string_view kCacheRefName = "mybuild-cache";

struct CacheRecord {
  Digest key;
  SnapshotResult result;
};

// The cache artifact of `records` as stored in a blob store: its manifest, its records blob and its
// layers (in manifest order).
struct StoredCache {
  Digest manifest;
  Digest records;
  std::vector<Digest> layers;
};

// Stores the records blob and the manifest of `records` in `blobs`, which holds their layers already
// (e.g. the root's store, before the artifact is pushed to a registry).
StatusOr<StoredCache> StoreCacheManifest(const cache::BlobStore& blobs, std::span<const CacheRecord> records);

// Reads a cache manifest and its records from `blobs` (each ≤ 4 MiB and verified); kInvalidArgument when
// the manifest is not a mybuild cache.
StatusOr<std::map<Digest, SnapshotResult>> LoadCacheRecords(const cache::BlobStore& blobs, const Digest& manifest);

// Writes `records` (their layer blobs copied from `blobs`) as the cache in `dir`, creating it if needed.
Status WriteCacheLayout(const std::filesystem::path& dir, const cache::BlobStore& blobs,
                        std::span<const CacheRecord> records);

// A cache read from a directory: its blob store and its records (every layer pending, no snapshot).
struct CacheLayout {
  cache::BlobStore blobs;
  std::map<Digest, SnapshotResult> records;
};

// Reads the cache in `dir`. The manifest and records are verified against their digests (≤ 4 MiB each);
// layer blobs are verified when they are copied out (BlobStore::CopyFrom).
StatusOr<CacheLayout> ReadCacheLayout(const std::filesystem::path& dir);

}  // namespace mybuild::worker

#endif  // MYBUILD_WORKER_CACHE_LAYOUT_H_

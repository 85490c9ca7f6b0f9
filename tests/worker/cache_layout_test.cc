#include "src/worker/cache_layout.h"

#include <doctest/doctest.h>

#include <filesystem>

#include "src/base/files.h"
#include "src/base/temp_dir.h"
#include "src/solver/cache_index.h"
#include "src/worker/imported_cache_index.h"

namespace mybuild::worker {
namespace {

LayerRef StoreLayer(const cache::BlobStore& blobs, const std::string& bytes) {
  cache::BlobInfo info = *blobs.Put(bytes);
  // Uncompressed: the diff_id is the blob's own digest.
  return LayerRef{info.digest, info.digest, "application/vnd.oci.image.layer.v1.tar", info.size};
}

struct Fixture {
  TempDir dir = *TempDir::Create();
  cache::BlobStore built = *cache::BlobStore::Open(dir.path() / "built");
  LayerRef base = StoreLayer(built, "base layer");
  LayerRef step = StoreLayer(built, "step layer");
  Digest key_a = Digest::Of("key a");
  Digest key_b = Digest::Of("key b");
  std::vector<CacheRecord> records = {
      {key_b, SnapshotResult{"step-b", {base, step}, 0, 1700000002}},
      {key_a, SnapshotResult{"step-a", {base}, 0, 1700000001}},
  };
};

// A root (blob store + index) importing the cache written in `cache`.
struct Importer {
  Importer(const Fixture& f, const std::filesystem::path& cache)
      : root(*cache::BlobStore::Open(f.dir.path() / "root")), index(local, root, Imports(cache, root)) {}
  static std::vector<ImportedCache> Imports(const std::filesystem::path& cache, const cache::BlobStore& root) {
    std::vector<ImportedCache> imported;
    imported.push_back(ImportFromLayout(*ReadCacheLayout(cache), cache, root));
    return imported;
  }
  cache::BlobStore root;
  solver::InMemoryCacheIndex local;
  ImportedCacheIndex index;
};

TEST_CASE("cache layout: written records read back portable, with their blobs") {
  Fixture f;
  const std::filesystem::path cache = f.dir.path() / "cache";
  REQUIRE(WriteCacheLayout(cache, f.built, f.records).ok());
  CHECK(std::filesystem::exists(cache / "oci-layout"));
  CHECK_FALSE(std::filesystem::exists(cache / "ingest"));

  StatusOr<CacheLayout> layout = ReadCacheLayout(cache);
  REQUIRE(layout.ok());
  REQUIRE(layout->records.size() == 2);
  const SnapshotResult& b = layout->records.at(f.key_b);
  CHECK(b.snapshot.empty());  // snapshot names are this machine's
  CHECK(b.pending == 2);      // so every layer is unpacked where it is imported
  CHECK(b.layers == std::vector<LayerRef>{f.base, f.step});
  CHECK(b.created == 1700000002);
  CHECK(layout->blobs.Has(f.base.digest));
  CHECK(layout->blobs.Has(f.step.digest));

  // The same records give the same bytes: the index names the same manifest.
  std::string first = *ReadFile(cache / "index.json");
  REQUIRE(WriteCacheLayout(cache, f.built, f.records).ok());
  CHECK(*ReadFile(cache / "index.json") == first);
}

TEST_CASE("cache layout: a directory that is not a cache is an error, not a crash") {
  Fixture f;
  CHECK_FALSE(ReadCacheLayout(f.dir.path() / "absent").ok());
  const std::filesystem::path other = f.dir.path() / "other";
  REQUIRE(WriteCacheLayout(other, f.built, f.records).ok());
  REQUIRE(WriteFileAtomically(other / "index.json", "{\"schemaVersion\":2,\"manifests\":[]}").ok());
  CHECK(ReadCacheLayout(other).status().code() == StatusCode::kNotFound);
  REQUIRE(WriteFileAtomically(other / "index.json", "not json").ok());
  CHECK_FALSE(ReadCacheLayout(other).ok());
}

TEST_CASE("imported cache index: local records first, imported hits copied in and recorded") {
  Fixture f;
  const std::filesystem::path cache = f.dir.path() / "cache";
  REQUIRE(WriteCacheLayout(cache, f.built, f.records).ok());
  Importer importer(f, cache);
  cache::BlobStore& root = importer.root;
  solver::InMemoryCacheIndex& local = importer.local;
  ImportedCacheIndex& index = importer.index;

  CHECK_FALSE(index.Lookup(Digest::Of("unknown"))->has_value());
  StatusOr<std::optional<solver::StepResult>> hit = index.Lookup(f.key_b);
  REQUIRE(hit.ok());
  REQUIRE(hit->has_value());
  CHECK(root.Has(f.base.digest));
  CHECK(root.Has(f.step.digest));
  CHECK(local.size() == 1);
  CHECK(DecodeResult(**hit)->pending == 2);

  // A local record with its blobs wins; one whose blobs are gone is passed over for the imported one.
  LayerRef own = StoreLayer(root, "own layer");
  REQUIRE(local.Record(f.key_a, EncodeResult(SnapshotResult{"mine", {own}, 0, 5})).ok());
  CHECK(DecodeResult(**index.Lookup(f.key_a))->snapshot == "mine");
  REQUIRE(root.Delete(own.digest).ok());
  CHECK(DecodeResult(**index.Lookup(f.key_a))->layers == std::vector<LayerRef>{f.base});
}

TEST_CASE("imported cache index: a record claiming another diff_id is a miss") {
  Fixture f;
  f.records[0].result.layers[1].diff_id = f.base.diff_id;  // would reuse the base's unpacked snapshot
  const std::filesystem::path cache = f.dir.path() / "cache";
  REQUIRE(WriteCacheLayout(cache, f.built, f.records).ok());
  Importer importer(f, cache);
  solver::InMemoryCacheIndex& local = importer.local;
  ImportedCacheIndex& index = importer.index;
  CHECK_FALSE(index.Lookup(f.key_b)->has_value());
  CHECK(local.size() == 0);
  CHECK(index.Lookup(f.key_a)->has_value());  // the base layer's own claim is right
}

TEST_CASE("imported cache index: a damaged layer makes a miss and copies nothing") {
  Fixture f;
  const std::filesystem::path cache = f.dir.path() / "cache";
  REQUIRE(WriteCacheLayout(cache, f.built, f.records).ok());
  const std::filesystem::path step_blob = cache / "blobs" / "sha256" / f.step.digest.hex();
  std::filesystem::permissions(step_blob, std::filesystem::perms::owner_write, std::filesystem::perm_options::add);
  REQUIRE(WriteFileAtomically(step_blob, "step layeR").ok());

  Importer importer(f, cache);
  cache::BlobStore& root = importer.root;
  solver::InMemoryCacheIndex& local = importer.local;
  ImportedCacheIndex& index = importer.index;
  StatusOr<std::optional<solver::StepResult>> hit = index.Lookup(f.key_b);
  REQUIRE(hit.ok());
  CHECK_FALSE(hit->has_value());
  CHECK_FALSE(root.Has(f.step.digest));
  CHECK(local.size() == 0);
}

}  // namespace
}  // namespace mybuild::worker

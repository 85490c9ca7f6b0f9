#include "src/image/layer_variants.h"

#include <doctest/doctest.h>

#include <filesystem>

#include "src/base/temp_dir.h"
#include "src/image/manifest.h"
#include "tests/image/test_image.h"

namespace mybuild::image {
namespace {

struct Fixture {
  TempDir dir = *TempDir::Create();
  cache::BlobStore store = *cache::BlobStore::Open(dir.path() / "root");
};

size_t CountBlobs(const cache::BlobStore& store) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(store.root() / "blobs" / "sha256")) ++n;
  return n;
}

TEST_CASE("layer variants: an uncompressed image exported as gzip keeps its config and is compressed once") {
  Fixture f;
  StatusOr<testing::TestImage> image = testing::MakeTestImage(f.store, Compression::kNone);
  REQUIRE(image.ok());
  StatusOr<StoredImage> gzip = ImageInEncoding(f.store, image->manifest, LayerEncoding{});
  REQUIRE_MESSAGE(gzip.ok(), gzip.status().ToString());
  CHECK(gzip->manifest_digest != image->manifest);
  CHECK(gzip->config_digest == image->config);  // the same image ID
  REQUIRE(gzip->manifest.layers.size() == 1);
  CHECK(gzip->manifest.layers[0].media_type == media_type::kOciLayerGzip);
  CHECK(gzip->manifest.layers[0].digest != image->layer.blob.digest);

  // The same request again finds the remembered variant: same manifest, no new blob.
  const size_t blobs = CountBlobs(f.store);
  StatusOr<StoredImage> again = ImageInEncoding(f.store, image->manifest, LayerEncoding{});
  REQUIRE(again.ok());
  CHECK(again->manifest_digest == gzip->manifest_digest);
  CHECK(CountBlobs(f.store) == blobs);

  // The bytes are those a layer written gzip-compressed has: deterministic whatever the path.
  Fixture other;
  StatusOr<testing::TestImage> direct = testing::MakeTestImage(other.store, Compression::kGzip);
  REQUIRE(direct.ok());
  CHECK(direct->layer.blob.digest == gzip->manifest.layers[0].digest);
}

TEST_CASE("layer variants: a pruned variant is made again, the same bytes") {
  Fixture f;
  StatusOr<testing::TestImage> image = testing::MakeTestImage(f.store, Compression::kNone);
  REQUIRE(image.ok());
  StatusOr<StoredImage> gzip = ImageInEncoding(f.store, image->manifest, LayerEncoding{});
  REQUIRE(gzip.ok());
  const Digest layer = gzip->manifest.layers[0].digest;
  std::filesystem::remove(f.store.root() / "blobs" / "sha256" / layer.hex());
  StatusOr<StoredImage> again = ImageInEncoding(f.store, image->manifest, LayerEncoding{});
  REQUIRE_MESSAGE(again.ok(), again.status().ToString());
  CHECK(again->manifest.layers[0].digest == layer);
  CHECK(f.store.Has(layer));
}

TEST_CASE("layer variants: compressed layers stay unless forced, and levels are separate variants") {
  Fixture f;
  StatusOr<testing::TestImage> image = testing::MakeTestImage(f.store, Compression::kGzip);
  REQUIRE(image.ok());
  LayerEncoding zstd;
  zstd.compression = Compression::kZstd;
  StatusOr<StoredImage> kept = ImageInEncoding(f.store, image->manifest, zstd);
  REQUIRE(kept.ok());
  CHECK(kept->manifest_digest == image->manifest);  // a gzip layer is not re-encoded without force

  zstd.force = true;
  StatusOr<StoredImage> forced = ImageInEncoding(f.store, image->manifest, zstd);
  REQUIRE_MESSAGE(forced.ok(), forced.status().ToString());
  CHECK(forced->manifest.layers[0].media_type == media_type::kOciLayerZstd);
  CHECK(forced->config_digest == image->config);

  Fixture g;
  StatusOr<testing::TestImage> plain = testing::MakeTestImage(g.store, Compression::kNone);
  REQUIRE(plain.ok());
  LayerEncoding fast;
  fast.levels.gzip_level = 1;
  StatusOr<StoredImage> level1 = ImageInEncoding(g.store, plain->manifest, fast);
  StatusOr<StoredImage> level6 = ImageInEncoding(g.store, plain->manifest, LayerEncoding{});
  REQUIRE(level1.ok());
  REQUIRE(level6.ok());
  CHECK(level1->manifest.layers[0].digest != level6->manifest.layers[0].digest);
}

TEST_CASE("layer variants: an index is left as stored") {
  Fixture f;
  StatusOr<testing::TestImage> image = testing::MakeTestImage(f.store, Compression::kNone);
  REQUIRE(image.ok());
  Index index;
  Descriptor entry;
  entry.media_type = std::string(media_type::kOciManifest);
  entry.digest = image->manifest;
  entry.size = static_cast<int64_t>(*f.store.Size(image->manifest));
  index.manifests.push_back(entry);
  StatusOr<cache::BlobInfo> stored = f.store.Put(Serialize(index));
  REQUIRE(stored.ok());
  StatusOr<Digest> same = ManifestInEncoding(f.store, stored->digest, LayerEncoding{});
  REQUIRE_MESSAGE(same.ok(), same.status().ToString());
  CHECK(*same == stored->digest);
}

}  // namespace
}  // namespace mybuild::image

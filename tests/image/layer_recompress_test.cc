#include "src/image/layer_recompress.h"

#include <doctest/doctest.h>

#include "src/base/temp_dir.h"
#include "tests/image/test_image.h"

namespace mybuild::image {
namespace {

TEST_CASE("recompress: a layer re-encoded is the same blob as one written in that compression") {
  TempDir dir = *TempDir::Create();
  cache::BlobStore gzip_store = *cache::BlobStore::Open(dir.path() / "gzip");
  cache::BlobStore zstd_store = *cache::BlobStore::Open(dir.path() / "zstd");
  cache::BlobStore none_store = *cache::BlobStore::Open(dir.path() / "none");
  StatusOr<testing::TestImage> gz = testing::MakeTestImage(gzip_store, Compression::kGzip);
  StatusOr<testing::TestImage> zs = testing::MakeTestImage(zstd_store, Compression::kZstd);
  StatusOr<testing::TestImage> no = testing::MakeTestImage(none_store, Compression::kNone);
  REQUIRE(gz.ok());
  REQUIRE(zs.ok());
  REQUIRE(no.ok());
  REQUIRE(gz->layer.diff_id == zs->layer.diff_id);

  StatusOr<Descriptor> to_zstd = RecompressLayer(gzip_store, gz->layer.blob, gz->layer.diff_id, Compression::kZstd);
  REQUIRE_MESSAGE(to_zstd.ok(), to_zstd.status().ToString());
  CHECK(*to_zstd == zs->layer.blob);
  CHECK(gzip_store.Has(to_zstd->digest));

  StatusOr<Descriptor> to_none = RecompressLayer(gzip_store, *to_zstd, gz->layer.diff_id, Compression::kNone);
  REQUIRE(to_none.ok());
  CHECK(*to_none == no->layer.blob);
  CHECK(to_none->digest == gz->layer.diff_id);  // an uncompressed layer is its own diff_id

  StatusOr<Descriptor> back = RecompressLayer(gzip_store, *to_none, gz->layer.diff_id, Compression::kGzip);
  REQUIRE(back.ok());
  CHECK(*back == gz->layer.blob);

  StatusOr<Descriptor> same = RecompressLayer(gzip_store, gz->layer.blob, gz->layer.diff_id, Compression::kGzip);
  REQUIRE(same.ok());
  CHECK(*same == gz->layer.blob);
}

TEST_CASE("recompress: a wrong diff_id or a non-layer media type is refused") {
  TempDir dir = *TempDir::Create();
  cache::BlobStore store = *cache::BlobStore::Open(dir.path() / "root");
  StatusOr<testing::TestImage> image = testing::MakeTestImage(store);
  REQUIRE(image.ok());
  StatusOr<Descriptor> wrong =
      RecompressLayer(store, image->layer.blob, Digest::Of("something else"), Compression::kZstd);
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.status().code() == StatusCode::kDataLoss);

  Descriptor config = image->layer.blob;
  config.media_type = std::string(media_type::kOciConfig);
  StatusOr<Descriptor> not_layer = RecompressLayer(store, config, image->layer.diff_id, Compression::kZstd);
  REQUIRE_FALSE(not_layer.ok());
  CHECK(not_layer.status().code() == StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mybuild::image

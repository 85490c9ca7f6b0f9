#include "src/image/image_store.h"

#include <doctest/doctest.h>

#include <fstream>
#include <thread>
#include <vector>

#include "src/base/temp_dir.h"
#include "tests/image/test_image.h"
#include "tests/test_support.h"

namespace mybuild::image {
namespace {

TEST_CASE("image store: tag, resolve, list and untag with normalised names") {
  TempDir dir = *TempDir::Create();
  ImageStore store = *ImageStore::Open(dir.path());
  Digest a = Digest::Of("a");
  Digest b = Digest::Of("b");
  CHECK(store.Resolve("busybox").status().code() == StatusCode::kNotFound);
  REQUIRE(store.Tag("busybox", a).ok());
  REQUIRE(store.Tag("ghcr.io/o/r:v1", b).ok());
  CHECK(*store.Resolve("docker.io/library/busybox:latest") == a);
  CHECK(*store.Resolve("busybox:latest") == a);
  REQUIRE(store.Tag("docker.io/library/busybox", b).ok());
  CHECK(*store.Resolve("busybox") == b);
  auto list = *store.List();
  CHECK(list.size() == 2);
  CHECK(list.begin()->first == "docker.io/library/busybox:latest");
  CHECK(store.Tag("Bad Name", a).code() == StatusCode::kInvalidArgument);
  REQUIRE(store.Untag("busybox").ok());
  CHECK(store.Untag("busybox").code() == StatusCode::kNotFound);
  CHECK(store.List()->size() == 1);
  // Reopening sees the same state; the file is canonical JSON.
  ImageStore again = *ImageStore::Open(dir.path());
  CHECK(*again.Resolve("ghcr.io/o/r:v1") == b);
}

TEST_CASE("image store: concurrent taggers lose no update") {
  TempDir dir = *TempDir::Create();
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      ImageStore store = *ImageStore::Open(dir.path());
      for (int j = 0; j < 5; ++j) {
        store
            .Tag("app" + std::to_string(i) + ":v" + std::to_string(j), Digest::Of(std::to_string(i * 10 + j)))
            .IgnoreError();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(ImageStore::Open(dir.path())->List()->size() == 40);
}

TEST_CASE("image store: a corrupt tag file is an error, not an empty store") {
  TempDir dir = *TempDir::Create();
  { std::ofstream(dir.path() / "images.json") << "{\"images\":{\"x\":\"sha256:../../etc\"}}"; }
  ImageStore store = *ImageStore::Open(dir.path());
  CHECK(store.List().status().code() == StatusCode::kDataLoss);
  CHECK(store.Tag("x", Digest::Of("x")).code() == StatusCode::kDataLoss);
}

TEST_CASE("image store: LoadImage reads manifest and config and checks them") {
  TempDir dir = *TempDir::Create();
  cache::BlobStore blobs = *cache::BlobStore::Open(dir.path());
  StatusOr<testing::TestImage> image = testing::MakeTestImage(blobs);
  REQUIRE(image.ok());
  StatusOr<StoredImage> stored = LoadImage(blobs, image->manifest);
  REQUIRE_MESSAGE(stored.ok(), stored.status().ToString());
  CHECK(stored->config_digest == image->config);
  CHECK(stored->config.diff_ids.size() == 1);
  CHECK(stored->config.config.working_dir == "/app");
  CHECK(LoadImage(blobs, Digest::Of("nothing")).status().code() == StatusCode::kNotFound);
  // A manifest whose layer count disagrees with the config is refused.
  Manifest broken = stored->manifest;
  broken.layers.push_back(broken.layers.front());
  cache::BlobInfo info = *blobs.Put(Serialize(broken));
  CHECK(LoadImage(blobs, info.digest).status().code() == StatusCode::kInvalidArgument);
  CHECK(StoreImage(blobs, stored->config, broken.layers).status().code() == StatusCode::kInvalidArgument);
  // Storing the same image again gives the same manifest digest.
  StatusOr<StoredImage> again = StoreImage(blobs, stored->config, stored->manifest.layers);
  REQUIRE(again.ok());
  CHECK(again->manifest_digest == image->manifest);
  CHECK(again->config_digest == stored->config_digest);
}

}  // namespace
}  // namespace mybuild::image

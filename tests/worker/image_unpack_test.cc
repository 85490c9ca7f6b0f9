// UnpackImageLayers on a native snapshotter: an image's layers become the chain of committed snapshots
// "layer-<chainID>", each on its parent, made once and reused after.
#include "src/worker/image_unpack.h"

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cache/blob_store.h"
#include "snapshotter/snapshotter.h"
#include "src/base/files.h"
#include "src/base/temp_dir.h"
#include "src/image/image_config.h"
#include "src/image/image_store.h"
#include "src/image/snapshot_layer.h"
#include "src/worker/worker.h"
#include "tests/test_support.h"

namespace mybuild::worker {
namespace {

namespace fs = std::filesystem;

// A blob store and a native snapshotter in a temporary root, and images made of directory trees.
struct Fixture {
  TempDir tmp;
  std::optional<cache::BlobStore> blobs;
  std::unique_ptr<snapshotter::Snapshotter> snapshots;

  Fixture() {
    auto t = TempDir::Create({}, "image-unpack-test-");
    REQUIRE(t.ok());
    tmp = std::move(t).value();
    auto b = cache::BlobStore::Open(tmp.path() / "root");
    REQUIRE_MESSAGE(b.ok(), b.status().ToString());
    blobs.emplace(std::move(b).value());
    auto s = snapshotter::NewNativeSnapshotter(tmp.path() / "snapshots");
    REQUIRE_MESSAGE(s.ok(), s.status().ToString());
    snapshots = std::move(s).value();
  }

  fs::path scratch() const { return tmp.path(); }

  // Writes `files` (path → content) into a new tree and stores it as a layer.
  image::LayerResult Layer(const std::string& tree, const std::vector<std::pair<std::string, std::string>>& files) {
    const fs::path dir = tmp.path() / "trees" / tree;
    for (const auto& [path, content] : files) {
      fs::create_directories((dir / path).parent_path());
      REQUIRE(WriteFileAtomically(dir / path, content).ok());
    }
    fs::create_directories(dir);
    auto layer = image::WriteTreeLayer(dir, *blobs, image::LayerOptions{});
    REQUIRE_MESSAGE(layer.ok(), layer.status().ToString());
    return *layer;
  }

  image::StoredImage Image(const std::vector<image::LayerResult>& layers) {
    image::ImageConfig config;
    config.architecture = "amd64";
    config.os = "linux";
    std::vector<image::Descriptor> blobs_of_layers;
    for (const image::LayerResult& layer : layers) {
      config.diff_ids.push_back(layer.diff_id);
      blobs_of_layers.push_back(layer.blob);
    }
    auto stored = image::StoreImage(*blobs, config, blobs_of_layers);
    REQUIRE_MESSAGE(stored.ok(), stored.status().ToString());
    return *stored;
  }

  StatusOr<SnapshotResult> Unpack(const image::StoredImage& image) {
    return UnpackImageLayers(*blobs, *snapshots, image, scratch(), "test image");
  }
};

TEST_CASE("LayerSnapshotName is layer-<chain ID hex>") {
  const Digest chain = Digest::Of("chain");
  CHECK(LayerSnapshotName(chain) == "layer-" + chain.hex());
}

TEST_CASE("UnpackImageLayers commits one snapshot per layer stack, each on its parent, and reuses them") {
  if (::geteuid() != 0) MYBUILD_SKIP("mounting snapshots needs root");
  Fixture f;
  image::LayerResult first = f.Layer("one", {{"etc/os", "one\n"}, {"shared", "from one\n"}});
  image::LayerResult second = f.Layer("two", {{"shared", "from two\n"}, {"added", "two\n"}});
  image::StoredImage image = f.Image({first, second});

  auto unpacked = f.Unpack(image);
  REQUIRE_MESSAGE(unpacked.ok(), unpacked.status().ToString());
  const std::string bottom = LayerSnapshotName(ChainId(Digest(), first.diff_id));
  const std::string top = LayerSnapshotName(ChainId(ChainId(Digest(), first.diff_id), second.diff_id));
  CHECK(unpacked->snapshot == top);
  REQUIRE(unpacked->layers.size() == 2);
  CHECK(unpacked->layers[0] == LayerRef{first.blob.digest, first.diff_id, first.blob.media_type,
                                        static_cast<uint64_t>(first.blob.size)});
  CHECK(unpacked->layers[1].digest == second.blob.digest);
  CHECK(unpacked->layers[1].diff_id == second.diff_id);

  auto bottom_info = f.snapshots->Stat(bottom);
  auto top_info = f.snapshots->Stat(top);
  REQUIRE(bottom_info.ok());
  REQUIRE(top_info.ok());
  CHECK(bottom_info->kind == snapshotter::SnapshotKind::kCommitted);
  CHECK(bottom_info->parent.empty());
  CHECK(top_info->kind == snapshotter::SnapshotKind::kCommitted);
  CHECK(top_info->parent == bottom);
  // A native snapshot is the whole tree: the top has both layers, the second's files winning.
  CHECK(ReadFile(top_info->dir / "etc/os", 1024).value() == "one\n");
  CHECK(ReadFile(top_info->dir / "shared", 1024).value() == "from two\n");
  CHECK(ReadFile(bottom_info->dir / "shared", 1024).value() == "from one\n");
  CHECK_FALSE(fs::exists(bottom_info->dir / "added"));

  // Again, and for an image that shares the first layer: the existing snapshots are used as they are.
  auto again = f.Unpack(image);
  REQUIRE(again.ok());
  CHECK(*again == *unpacked);
  CHECK(f.snapshots->Stat(top)->dir == top_info->dir);
  auto shared = f.Unpack(f.Image({first}));
  REQUIRE(shared.ok());
  CHECK(shared->snapshot == bottom);
  CHECK(f.snapshots->Stat(bottom)->dir == bottom_info->dir);
}

TEST_CASE("UnpackImageLayers of an image without layers is the empty filesystem") {
  Fixture f;
  auto unpacked = f.Unpack(f.Image({}));
  REQUIRE_MESSAGE(unpacked.ok(), unpacked.status().ToString());
  CHECK(unpacked->snapshot.empty());
  CHECK(unpacked->layers.empty());
}

TEST_CASE("UnpackImageLayers fails on a missing layer blob, naming the layer and the image, and leaves no snapshot") {
  if (::geteuid() != 0) MYBUILD_SKIP("mounting snapshots needs root");
  Fixture f;
  image::LayerResult layer = f.Layer("one", {{"file", "content\n"}});
  image::StoredImage image = f.Image({layer});
  image.manifest.layers[0].digest = Digest::Of("no such blob");

  auto unpacked = f.Unpack(image);
  REQUIRE_FALSE(unpacked.ok());
  CHECK(unpacked.status().ToString().find("unpacking layer " + Digest::Of("no such blob").ToString()) !=
        std::string::npos);
  CHECK(unpacked.status().ToString().find("test image") != std::string::npos);
  CHECK_FALSE(f.snapshots->Stat(LayerSnapshotName(layer.diff_id)).ok());
  auto metadata = ReadFile(f.tmp.path() / "snapshots" / "metadata.json");
  REQUIRE(metadata.ok());
  CHECK(metadata->find("active-") == std::string::npos);  // the failed layer's snapshot was removed
}

}  // namespace
}  // namespace mybuild::worker

// The mark phase: what a tagged image (manifest or index) and a cache record's step result reach.
#include "src/worker/gc_roots.h"

#include <doctest/doctest.h>

#include "src/base/temp_dir.h"
#include "src/image/image_config.h"
#include "src/image/image_store.h"
#include "src/image/manifest.h"
#include "src/worker/image_unpack.h"
#include "src/worker/step_result.h"
#include "src/worker/worker.h"

namespace mybuild::worker {
namespace {

constexpr char kLayerType[] = "application/vnd.oci.image.layer.v1.tar+gzip";

struct Fixture {
  TempDir tmp = *TempDir::Create();
  cache::BlobStore blobs = *cache::BlobStore::Open(tmp.path());

  // An image of two layers; returns the stored image.
  image::StoredImage Image(const std::string& name) {
    image::ImageConfig config;
    std::vector<image::Descriptor> layers;
    for (const std::string& layer : {name + "-1", name + "-2"}) {
      config.diff_ids.push_back(Digest::Of("diff " + layer));
      const cache::BlobInfo blob = *blobs.Put("layer " + layer);
      layers.push_back(image::Descriptor{kLayerType, blob.digest, static_cast<int64_t>(blob.size), {}, {}, {}});
    }
    return *image::StoreImage(blobs, config, layers);
  }
};

TEST_CASE("gc roots: a manifest reaches its config, its layers and their chain snapshots") {
  Fixture f;
  const image::StoredImage image = f.Image("a");
  cache::LiveSet live;
  REQUIRE(MarkImage(f.blobs, image.manifest_digest, live).ok());
  CHECK(live.blobs.size() == 4);
  CHECK(live.blobs.count(image.config_digest) == 1);
  for (const image::Descriptor& layer : image.manifest.layers) CHECK(live.blobs.count(layer.digest) == 1);
  const Digest first = ChainId(Digest(), image.config.diff_ids[0]);
  CHECK(live.snapshots == std::set<std::string>{LayerSnapshotName(first),
                                                LayerSnapshotName(ChainId(first, image.config.diff_ids[1]))});
}

TEST_CASE("gc roots: an index reaches every child manifest; a missing child is marked, not followed") {
  Fixture f;
  const image::StoredImage a = f.Image("a");
  const image::StoredImage b = f.Image("b");
  const Digest gone = Digest::Of("a manifest that was never stored");
  image::Index index;
  for (const Digest& child : {a.manifest_digest, b.manifest_digest, gone}) {
    index.manifests.push_back(image::Descriptor{std::string(image::media_type::kOciManifest), child, 100, {}, {}, {}});
  }
  const Digest index_digest = f.blobs.Put(image::Serialize(index))->digest;
  cache::LiveSet live;
  REQUIRE(MarkImage(f.blobs, index_digest, live).ok());
  CHECK(live.blobs.size() == 1 + 4 + 4 + 1);
  CHECK(live.blobs.count(gone) == 1);
  CHECK(live.snapshots.size() == 4);
}

TEST_CASE("gc roots: a step result reaches its layers (pending ones too) and its snapshot") {
  SnapshotResult result;
  result.snapshot = "step-abc";
  result.layers = {LayerRef{Digest::Of("l1"), Digest::Of("d1"), kLayerType, 1},
                   LayerRef{Digest::Of("l2"), Digest::Of("d2"), kLayerType, 1}};
  result.pending = 1;
  cache::LiveSet live;
  REQUIRE(MarkStepResult(EncodeResult(result), live).ok());
  CHECK(live.blobs == std::set<Digest>{Digest::Of("l1"), Digest::Of("l2")});
  CHECK(live.snapshots.count("step-abc") == 1);
  CHECK(live.snapshots.count(LayerSnapshotName(Digest::Of("d1"))) == 1);
  CHECK(MarkStepResult(solver::StepResult{"{not json"}, live).code() == StatusCode::kDataLoss);
}

}  // namespace
}  // namespace mybuild::worker

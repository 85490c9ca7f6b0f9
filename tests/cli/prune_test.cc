// Garbage collection on a synthetic root: real blob store, tag store and cache index in a temporary
// directory, and a native (copying, mount-free) snapshotter; blobs are opaque bytes except manifests and
// configs, which is all the mark phase reads.
#include "src/cli/prune.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <ctime>
#include <fstream>
#include <memory>
#include <set>

#include "src/base/temp_dir.h"
#include "src/image/image_config.h"
#include "src/worker/image_unpack.h"
#include "src/worker/step_result.h"
#include "src/worker/worker.h"

namespace mybuild::cli {
namespace {

namespace fs = std::filesystem;
using Kind = cache::GcReport::Kind;

PrunePolicy Policy(bool all, std::optional<int64_t> keep_seconds = std::nullopt, bool dry_run = false) {
  PrunePolicy policy;
  policy.all = all;
  policy.keep_seconds = keep_seconds;
  policy.dry_run = dry_run;
  return policy;
}

struct Layer {
  Digest blob;
  Digest diff_id;
};

// A root with two tagged images A and B over a shared base layer, their chain snapshots, and one cache
// record R (a RUN on the base: its own layer blob and snapshot "step-r" on the base's chain snapshot).
class Root {
 public:
  Root()
      : dir_(*TempDir::Create()),
        blobs_(*cache::BlobStore::Open(dir_.path())),
        images_(*image::ImageStore::Open(dir_.path())),
        index_(*solver::FileCacheIndex::Open(dir_.path())),
        snapshots_(OpenSnapshots(dir_.path())) {
    base = PutLayer("base");
    a_layer = PutLayer("a");
    b_layer = PutLayer("b");
    r_layer = PutLayer("r");
    a = StoreImage({base, a_layer});
    b = StoreImage({base, b_layer});
    REQUIRE(images_.Tag("a:1", a).ok());
    REQUIRE(images_.Tag("b:1", b).ok());
    base_snapshot = worker::LayerSnapshotName(worker::ChainId(Digest(), base.diff_id));
    CommitSnapshot(base_snapshot, "");
    CommitSnapshot(ChainSnapshot({base, a_layer}), base_snapshot);
    CommitSnapshot("step-r", base_snapshot);
    r_key = Digest::Of("key of R");
    worker::SnapshotResult result;
    result.snapshot = "step-r";
    result.layers = {Ref(base), Ref(r_layer)};
    REQUIRE(index_.Record(r_key, worker::EncodeResult(result)).ok());
  }

  static std::unique_ptr<snapshotter::Snapshotter> OpenSnapshots(const fs::path& root) {
    fs::create_directories(root / "snapshots");
    StatusOr<std::unique_ptr<snapshotter::Snapshotter>> snapshots =
        snapshotter::NewNativeSnapshotter(root / "snapshots" / "native");
    REQUIRE_MESSAGE(snapshots.ok(), snapshots.status().ToString());
    return std::move(*snapshots);
  }

  Layer PutLayer(const std::string& name) {
    Layer layer{blobs_.Put("layer " + name)->digest, Digest::Of("diff " + name)};
    return layer;
  }
  static worker::LayerRef Ref(const Layer& layer) {
    return worker::LayerRef{layer.blob, layer.diff_id, "application/vnd.oci.image.layer.v1.tar+gzip", 7};
  }
  Digest StoreImage(const std::vector<Layer>& layers) {
    image::ImageConfig config;
    std::vector<image::Descriptor> descriptors;
    for (const Layer& layer : layers) {
      config.diff_ids.push_back(layer.diff_id);
      descriptors.push_back(image::Descriptor{"application/vnd.oci.image.layer.v1.tar+gzip", layer.blob, 7, {}, {}, {}});
    }
    return image::StoreImage(blobs_, config, descriptors)->manifest_digest;
  }
  static std::string ChainSnapshot(const std::vector<Layer>& layers) {
    Digest chain;
    for (const Layer& layer : layers) chain = worker::ChainId(chain, layer.diff_id);
    return worker::LayerSnapshotName(chain);
  }
  void CommitSnapshot(const std::string& name, const std::string& parent) {
    REQUIRE(snapshots_->Prepare("active-" + name, parent).ok());
    std::ofstream(snapshots_->Stat("active-" + name)->dir / ("file-" + name)) << name;
    REQUIRE(snapshots_->Commit(name, "active-" + name).ok());
  }

  Status Prune(const PrunePolicy& policy, cache::GcReport& report) {
    PruneTargets targets{dir_.path(), &blobs_, &images_, &index_, {{"native", snapshots_.get()}}};
    return cli::Prune(targets, policy, report);
  }
  cache::GcReport MustPrune(const PrunePolicy& policy = {}) {
    cache::GcReport report;
    Status status = Prune(policy, report);
    REQUIRE_MESSAGE(status.ok(), status.ToString());
    return report;
  }

  std::set<Digest> BlobSet() {
    std::set<Digest> out;
    const std::vector<cache::BlobInfo> all = *blobs_.List();
    for (const cache::BlobInfo& blob : all) out.insert(blob.digest);
    return out;
  }
  std::set<std::string> SnapshotSet() {
    std::set<std::string> out;
    const std::vector<snapshotter::SnapshotInfo> all = *snapshots_->List();
    for (const snapshotter::SnapshotInfo& info : all) out.insert(info.key);
    return out;
  }
  size_t SnapshotDirs() {
    size_t count = 0;
    for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir_.path() / "snapshots/native/snapshots")) ++count;
    return count;
  }
  bool HasRecord(const Digest& key) { return index_.Lookup(key)->has_value(); }
  // The manifest and config blobs of a stored image.
  std::set<Digest> ImageBlobs(const Digest& manifest) {
    return {manifest, image::LoadImage(blobs_, manifest)->config_digest};
  }

  const fs::path& path() const { return dir_.path(); }
  cache::BlobStore& blobs() { return blobs_; }
  image::ImageStore& images() { return images_; }
  solver::FileCacheIndex& index() { return index_; }
  snapshotter::Snapshotter& snapshots() { return *snapshots_; }

  Layer base, a_layer, b_layer, r_layer;
  Digest a, b, r_key;
  std::string base_snapshot;

 private:
  TempDir dir_;
  cache::BlobStore blobs_;
  image::ImageStore images_;
  solver::FileCacheIndex index_;
  std::unique_ptr<snapshotter::Snapshotter> snapshots_;
};

TEST_CASE("prune: a root where everything is reachable loses nothing") {
  Root root;
  const std::set<Digest> blobs = root.BlobSet();
  const std::set<std::string> snapshots = root.SnapshotSet();
  cache::GcReport report = root.MustPrune();
  CHECK(report.items.empty());
  CHECK(root.BlobSet() == blobs);
  CHECK(root.SnapshotSet() == snapshots);
}

TEST_CASE("prune: an untagged image's unique blobs go, shared blobs and the tagged image stay") {
  Root root;
  const std::set<Digest> b_blobs = root.ImageBlobs(root.b);
  REQUIRE(root.images().Untag("b:1").ok());
  cache::GcReport report = root.MustPrune();
  std::set<Digest> left = root.BlobSet();
  for (const Digest& gone : b_blobs) CHECK(left.count(gone) == 0);
  CHECK(left.count(root.b_layer.blob) == 0);
  CHECK(left.count(root.base.blob) == 1);     // shared with a:1 (and R)
  CHECK(left.count(root.a_layer.blob) == 1);
  for (const Digest& kept : root.ImageBlobs(root.a)) CHECK(left.count(kept) == 1);
  CHECK(report.Count(Kind::kBlob) == 3);
  CHECK(report.Bytes() > 0);
  CHECK(root.images().Resolve("a:1").ok());
  CHECK(image::LoadImage(root.blobs(), root.a).ok());
}

TEST_CASE("prune: a cache record keeps its layer blobs and its snapshot's parent chain") {
  Root root;
  REQUIRE(root.images().Untag("a:1").ok());
  REQUIRE(root.images().Untag("b:1").ok());
  root.CommitSnapshot("step-orphan", "step-r");                        // a child of a live snapshot
  REQUIRE(root.snapshots().Prepare("killed-build", "step-r").ok());    // an active leftover
  cache::GcReport report = root.MustPrune();
  CHECK(root.HasRecord(root.r_key));
  std::set<Digest> left = root.BlobSet();
  CHECK(left == std::set<Digest>{root.base.blob, root.r_layer.blob});
  CHECK(root.SnapshotSet() == std::set<std::string>{root.base_snapshot, "step-r"});
  CHECK(report.Count(Kind::kSnapshot) == 3);  // step-orphan, killed-build, layer-<chain(base, a)>
  CHECK(root.SnapshotDirs() == 2);
}

TEST_CASE("prune --all: every cache record goes first, only tagged images survive") {
  Root root;
  fs::create_directories(root.path() / "cache-mounts" / "abc");
  cache::GcReport report = root.MustPrune(Policy(true));
  CHECK_FALSE(root.HasRecord(root.r_key));
  CHECK(report.Count(Kind::kCacheRecord) == 1);
  CHECK(report.Count(Kind::kCacheMount) == 1);
  CHECK(report.items.front().kind == Kind::kCacheRecord);  // records before data
  std::set<Digest> left = root.BlobSet();
  CHECK(left.count(root.r_layer.blob) == 0);
  CHECK(left.count(root.base.blob) == 1);
  CHECK(root.SnapshotSet() ==
        std::set<std::string>{root.base_snapshot, Root::ChainSnapshot({root.base, root.a_layer})});
  CHECK(image::LoadImage(root.blobs(), root.a).ok());
  CHECK(image::LoadImage(root.blobs(), root.b).ok());
}

TEST_CASE("prune --keep-duration: only records not used for longer than the duration go") {
  Root root;
  const Digest fresh = Digest::Of("fresh");
  worker::SnapshotResult result;
  result.layers = {Root::Ref(root.b_layer)};
  REQUIRE(root.index().Record(fresh, worker::EncodeResult(result)).ok());
  // R was last used two days ago.
  const fs::path old_record = root.index().dir() / (root.r_key.hex() + ".json");
  struct timespec times[2] = {{std::time(nullptr) - 2 * 86400, 0}, {std::time(nullptr) - 2 * 86400, 0}};
  REQUIRE(::utimensat(AT_FDCWD, old_record.c_str(), times, 0) == 0);
  cache::GcReport report = root.MustPrune(Policy(false, 86400));
  CHECK(report.Count(Kind::kCacheRecord) == 1);
  CHECK_FALSE(root.HasRecord(root.r_key));
  CHECK(root.HasRecord(fresh));
  // A hit marks a record as used: it survives the same prune again.
  REQUIRE(::utimensat(AT_FDCWD, (root.index().dir() / (fresh.hex() + ".json")).c_str(), times, 0) == 0);
  CHECK(root.HasRecord(fresh));  // Lookup touches the file
  CHECK(root.MustPrune(Policy(false, 86400)).Count(Kind::kCacheRecord) == 0);
}

TEST_CASE("prune --dry-run lists what would go and removes nothing") {
  Root root;
  REQUIRE(root.images().Untag("b:1").ok());
  const std::set<Digest> blobs = root.BlobSet();
  const std::set<std::string> snapshots = root.SnapshotSet();
  cache::GcReport dry = root.MustPrune(Policy(true, std::nullopt, true));
  CHECK(dry.Count(Kind::kCacheRecord) == 1);
  CHECK(dry.Count(Kind::kBlob) == 4);  // b's manifest, config and layer; R's layer
  CHECK(root.BlobSet() == blobs);
  CHECK(root.SnapshotSet() == snapshots);
  CHECK(root.HasRecord(root.r_key));
  cache::GcReport real = root.MustPrune(Policy(true));
  CHECK(real.Count(Kind::kBlob) == dry.Count(Kind::kBlob));
  CHECK(real.Count(Kind::kSnapshot) == dry.Count(Kind::kSnapshot));
  CHECK(real.Bytes() == dry.Bytes());
}

TEST_CASE("prune: a sweep cut off halfway, then another prune, ends where one whole prune would") {
  Root whole;
  REQUIRE(whole.images().Untag("b:1").ok());
  whole.MustPrune(Policy(true));

  Root root;
  REQUIRE(root.images().Untag("b:1").ok());
  // A prune --all killed midway: the record is gone (records go first), half of the garbage blobs too,
  // and one snapshot's metadata without its directory.
  REQUIRE(root.index().RemoveFile(root.r_key.hex() + ".json").ok());
  REQUIRE(root.blobs().Delete(root.b).ok());
  REQUIRE(root.blobs().Delete(root.r_layer.blob).ok());
  const fs::path step_r_dir = root.snapshots().Stat("step-r")->dir.parent_path();
  fs::copy(step_r_dir, root.path() / "step-r-copy", fs::copy_options::recursive);
  REQUIRE(root.snapshots().Remove("step-r").ok());
  fs::rename(root.path() / "step-r-copy", step_r_dir);  // the directory outlived its record
  root.MustPrune();  // no --all: nothing else is dropped, the leftovers go

  CHECK(root.BlobSet() == whole.BlobSet());
  CHECK(root.SnapshotSet() == whole.SnapshotSet());
  CHECK(root.SnapshotDirs() == root.SnapshotSet().size());
  CHECK(image::LoadImage(root.blobs(), root.a).ok());
}

TEST_CASE("prune: ingest leftovers, stale import dirs and broken cache records go") {
  Root root;
  std::ofstream(root.path() / "ingest" / "blob-killed") << "half a blob";
  fs::create_directories(root.path() / "tmp" / "import-abc123" / "etc");
  std::ofstream(root.index().dir() / ".0123.json.tmp-XYZ") << "{";
  std::ofstream(root.index().dir() / (Digest::Of("bad").hex() + ".json")) << "not json";
  cache::GcReport report = root.MustPrune();
  CHECK(report.Count(Kind::kIngest) == 1);
  CHECK(report.Count(Kind::kScratch) == 1);
  CHECK(report.Count(Kind::kCacheRecord) == 2);
  CHECK(fs::is_empty(root.path() / "ingest"));
  CHECK_FALSE(fs::exists(root.path() / "tmp" / "import-abc123"));
  CHECK(root.HasRecord(root.r_key));
}

TEST_CASE("prune: a cache record naming a blob that is gone is dropped, with what only it reached") {
  Root root;
  REQUIRE(root.blobs().Delete(root.r_layer.blob).ok());  // the store was damaged behind our back
  cache::GcReport report = root.MustPrune();
  CHECK(report.Count(Kind::kCacheRecord) == 1);
  CHECK_FALSE(root.HasRecord(root.r_key));
  CHECK(root.SnapshotSet().count("step-r") == 0);
  CHECK(root.BlobSet().count(root.base.blob) == 1);
}

TEST_CASE("prune: a tag whose manifest is not a manifest stops the prune before any data goes") {
  Root root;
  REQUIRE(root.images().Untag("b:1").ok());
  const Digest junk = root.blobs().Put("this is not JSON")->digest;
  REQUIRE(root.images().Tag("junk:1", junk).ok());
  const std::set<Digest> blobs = root.BlobSet();
  cache::GcReport report;
  Status status = root.Prune(PrunePolicy{}, report);
  CHECK_FALSE(status.ok());
  CHECK(status.message().find("junk:1") != std::string::npos);
  CHECK(root.BlobSet() == blobs);
}

TEST_CASE("prune: a tag whose manifest blob is missing protects nothing else and does not fail") {
  Root root;
  REQUIRE(root.blobs().Delete(root.b).ok());
  root.MustPrune();
  CHECK(root.BlobSet().count(root.b_layer.blob) == 0);
  CHECK(root.BlobSet().count(root.a_layer.blob) == 1);
}

}  // namespace
}  // namespace mybuild::cli

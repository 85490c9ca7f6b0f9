#include "src/cli/store_access.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "snapshotter/layer_apply.h"
#include "snapshotter/rootfs.h"
#include "src/base/temp_dir.h"
#include "src/image/snapshot_layer.h"

namespace mybuild::cli {
namespace {

void WriteText(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path) << text;
}

// A small tree with every entry kind a rootfs commonly has.
void MakeTree(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir / "bin");
  std::filesystem::create_directories(dir / "etc");
  WriteText(dir / "bin/tool", "#!/bin/sh\necho tool\n");
  ::chmod((dir / "bin/tool").c_str(), 04755);
  std::filesystem::create_symlink("tool", dir / "bin/alias");
  std::filesystem::create_hard_link(dir / "bin/tool", dir / "bin/tool2");
  WriteText(dir / "etc/empty", "");
  ::mkfifo((dir / "etc/fifo").c_str(), 0600);
}

StatusOr<LocalStore> OpenIn(const TempDir& dir) {
  GlobalOptions global;
  global.root = dir.path() / "state";
  return OpenLocalStore(global);
}

TEST_CASE("OpenLocalStore creates the state root with mode 0700") {
  TempDir dir = *TempDir::Create();
  StatusOr<LocalStore> store = OpenIn(dir);
  REQUIRE(store.ok());
  struct stat st {};
  REQUIRE(::stat((dir.path() / "state").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0700);
  CHECK(OpenIn(dir).ok());  // an existing root is fine
}

TEST_CASE("WriteTreeLayer writes a deterministic layer that applies back to the same tree") {
  TempDir dir = *TempDir::Create();
  LocalStore store = *OpenIn(dir);
  MakeTree(dir.path() / "tree");
  image::LayerOptions options;
  options.compression = image::Compression::kNone;
  options.source_date_epoch = 1700000000;
  StatusOr<image::LayerResult> first = image::WriteTreeLayer(dir.path() / "tree", store.blobs, options);
  REQUIRE_MESSAGE(first.ok(), first.status().ToString());
  StatusOr<image::LayerResult> second = image::WriteTreeLayer(dir.path() / "tree", store.blobs, options);
  REQUIRE(second.ok());
  CHECK(first->diff_id == second->diff_id);
  CHECK(first->blob.digest == first->diff_id);  // uncompressed: the blob is the tar

  std::filesystem::create_directories(dir.path() / "applied");
  snapshotter::RootFs root = *snapshotter::RootFs::Open(dir.path() / "applied");
  StatusOr<snapshotter::ApplyStats> applied =
      snapshotter::ApplyLayerFile(root, store.blobs.BlobPath(first->blob.digest));
  REQUIRE_MESSAGE(applied.ok(), applied.status().ToString());
  const std::filesystem::path out = dir.path() / "applied";
  std::ifstream tool(out / "bin/tool");
  CHECK(std::string(std::istreambuf_iterator<char>(tool), {}) == "#!/bin/sh\necho tool\n");
  struct stat tool_st {}, tool2_st {}, fifo_st {};
  REQUIRE(::lstat((out / "bin/tool").c_str(), &tool_st) == 0);
  REQUIRE(::lstat((out / "bin/tool2").c_str(), &tool2_st) == 0);
  CHECK((tool_st.st_mode & 07777) == 04755);
  CHECK(tool_st.st_ino == tool2_st.st_ino);
  CHECK(tool_st.st_mtime == 1700000000);
  CHECK(std::filesystem::read_symlink(out / "bin/alias") == "tool");
  CHECK(std::filesystem::file_size(out / "etc/empty") == 0);
  REQUIRE(::lstat((out / "etc/fifo").c_str(), &fifo_st) == 0);
  CHECK(S_ISFIFO(fifo_st.st_mode));
}

TEST_CASE("FromSnapshotEntry keeps whiteouts as empty mode-0 .wh. files") {
  snapshotter::LayerEntry whiteout;
  whiteout.path = "etc/.wh.passwd";
  whiteout.type = snapshotter::EntryType::kWhiteout;
  image::LayerEntry converted = image::FromSnapshotEntry(whiteout);
  CHECK(converted.path == image::WhiteoutEntry("etc/passwd").path);
  CHECK(converted.type == image::EntryType::kFile);
  CHECK(converted.mode == 0);
  CHECK(converted.size == 0);
}

TEST_CASE("ResolveImage finds images by name, ID prefix and manifest digest") {
  TempDir dir = *TempDir::Create();
  LocalStore store = *OpenIn(dir);
  MakeTree(dir.path() / "tree");
  image::LayerResult layer = *image::WriteTreeLayer(dir.path() / "tree", store.blobs, {});
  image::ImageConfig config;
  config.diff_ids = {layer.diff_id};
  const image::StoredImage stored = *image::StoreImage(store.blobs, config, {layer.blob});
  REQUIRE(store.images.Tag("busybox", stored.manifest_digest).ok());

  StatusOr<ResolvedImage> by_name = ResolveImage(store, "docker.io/library/busybox:latest");
  REQUIRE(by_name.ok());
  CHECK(by_name->manifest == stored.manifest_digest);
  CHECK(by_name->tag == "docker.io/library/busybox:latest");

  StatusOr<ResolvedImage> by_id = ResolveImage(store, stored.config_digest.hex().substr(0, 12));
  REQUIRE(by_id.ok());
  CHECK(by_id->manifest == stored.manifest_digest);
  CHECK(by_id->tag.empty());
  CHECK(ResolveImage(store, stored.config_digest.ToString())->manifest == stored.manifest_digest);
  CHECK(ResolveImage(store, stored.manifest_digest.ToString())->manifest == stored.manifest_digest);

  // An untagged manifest is still found by its full digest.
  REQUIRE(store.images.Untag("busybox").ok());
  CHECK(ResolveImage(store, stored.manifest_digest.ToString())->manifest == stored.manifest_digest);
  CHECK(ResolveImage(store, stored.config_digest.hex().substr(0, 12)).status().code() == StatusCode::kNotFound);

  StatusOr<ResolvedImage> missing = ResolveImage(store, "nope:1");
  CHECK(missing.status().code() == StatusCode::kNotFound);
  CHECK(missing.status().message() == "no such image: nope:1");
  CHECK(ResolveImage(store, "abc").status().code() == StatusCode::kNotFound);  // too short for an ID
}

TEST_CASE("Names: tags refuse digests, and docker short forms") {
  CHECK(*NormalizeTagName("busybox") == "docker.io/library/busybox:latest");
  CHECK(NormalizeTagName("busybox@sha256:" + std::string(64, 'a')).status().code() ==
        StatusCode::kInvalidArgument);
  CHECK(!NormalizeTagName("Upper").ok());
  CHECK(FamiliarRepositoryAndTag("docker.io/library/busybox:latest") ==
        std::pair<std::string, std::string>("busybox", "latest"));
  CHECK(FamiliarRepositoryAndTag("localhost:5000/a/b:1.0") ==
        std::pair<std::string, std::string>("localhost:5000/a/b", "1.0"));
  CHECK(FamiliarName("docker.io/me/app:2") == "me/app:2");
}

}  // namespace
}  // namespace mybuild::cli

#include "src/image/exporters.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "src/base/files.h"
#include "src/base/temp_dir.h"
#include "src/image/image_store.h"
#include "src/image/tar_output.h"
#include "tests/image/test_image.h"
#include "tests/test_support.h"

namespace mybuild::image {
namespace {

struct Fixture {
  TempDir dir = *TempDir::Create();
  cache::BlobStore store = *cache::BlobStore::Open(dir.path() / "root");
};

bool HaveTool(const char* name) {
  std::string command = std::string("command -v ") + name + " >/dev/null 2>&1";
  return std::system(command.c_str()) == 0;
}

// Runs a shell command; returns its exit status and stdout+stderr.
std::pair<int, std::string> Run(const std::string& command) {
  std::string output;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return {-1, "popen failed"};
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) output.append(buffer.data(), n);
  int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

std::string Quote(const std::filesystem::path& path) { return "'" + path.string() + "'"; }

TEST_CASE("exporters: OCI archive is deterministic and loads back to the same image") {
  Fixture f;
  StatusOr<testing::TestImage> image = testing::MakeTestImage(f.store);
  REQUIRE(image.ok());
  std::vector<ExportImage> images = {{image->manifest, {"example.com/demo/app:1.0", "app"}}};
  std::filesystem::path first = f.dir.path() / "one.tar";
  std::filesystem::path second = f.dir.path() / "two.tar";
  REQUIRE(WriteOciArchive(f.store, images, first).ok());
  REQUIRE(WriteOciArchive(f.store, images, second).ok());
  CHECK(*ReadFile(first) == *ReadFile(second));

  cache::BlobStore fresh = *cache::BlobStore::Open(f.dir.path() / "fresh");
  StatusOr<std::vector<LoadedImage>> loaded = LoadArchive(fresh, first);
  REQUIRE_MESSAGE(loaded.ok(), loaded.status().ToString());
  REQUIRE(loaded->size() == 1);
  CHECK((*loaded)[0].manifest == image->manifest);
  CHECK((*loaded)[0].names ==
        std::vector<std::string>{"example.com/demo/app:1.0", "docker.io/library/app:latest"});
  CHECK(fresh.Has(image->layer.blob.digest));
  CHECK(LoadImage(fresh, image->manifest).ok());
}

TEST_CASE("exporters: docker archive holds uncompressed layers and loads back") {
  // A built image (layers uncompressed, as the store keeps them) comes back as it was; a gzip one (as
  // pulled) comes back with the same config (image ID) and its layer uncompressed, as docker's store does.
  for (Compression compression : {Compression::kNone, Compression::kGzip}) {
    CAPTURE(static_cast<int>(compression));
    Fixture f;
    StatusOr<testing::TestImage> image = testing::MakeTestImage(f.store, compression);
    REQUIRE(image.ok());
    std::filesystem::path path = f.dir.path() / "docker.tar";
    Status written = WriteDockerArchive(f.store, {{image->manifest, {"demo/app:2"}}}, path);
    REQUIRE_MESSAGE(written.ok(), written.ToString());
    std::filesystem::path again = f.dir.path() / "again.tar";
    REQUIRE(WriteDockerArchive(f.store, {{image->manifest, {"demo/app:2"}}}, again).ok());
    CHECK(*ReadFile(path) == *ReadFile(again));

    cache::BlobStore fresh = *cache::BlobStore::Open(f.dir.path() / "fresh");
    StatusOr<std::vector<LoadedImage>> loaded = LoadArchive(fresh, path);
    REQUIRE_MESSAGE(loaded.ok(), loaded.status().ToString());
    REQUIRE(loaded->size() == 1);
    CHECK((*loaded)[0].names == std::vector<std::string>{"docker.io/demo/app:2"});
    StatusOr<StoredImage> stored = LoadImage(fresh, (*loaded)[0].manifest);
    REQUIRE(stored.ok());
    CHECK(stored->config_digest == image->config);
    REQUIRE(stored->manifest.layers.size() == 1);
    CHECK(stored->manifest.layers[0].media_type == media_type::kOciLayer);
    CHECK(stored->manifest.layers[0].digest == stored->config.diff_ids[0]);
    if (compression == Compression::kNone) CHECK((*loaded)[0].manifest == image->manifest);
  }
}

TEST_CASE("exporters: OCI directory and zstd layers") {
  Fixture f;
  StatusOr<testing::TestImage> image = testing::MakeTestImage(f.store, Compression::kZstd);
  REQUIRE(image.ok());
  std::filesystem::path layout = f.dir.path() / "layout";
  REQUIRE(WriteOciDirectory(f.store, {{image->manifest, {"app:z"}}}, layout).ok());
  CHECK(std::filesystem::exists(layout / "oci-layout"));
  CHECK(std::filesystem::exists(layout / "blobs" / "sha256" / image->layer.blob.digest.hex()));
  std::string index = *ReadFile(layout / "index.json");
  CHECK(index.find("\"org.opencontainers.image.ref.name\":\"z\"") != std::string::npos);
  CHECK(index.find("\"io.containerd.image.name\":\"docker.io/library/app:z\"") != std::string::npos);
  // A docker archive of a zstd image decompresses the layer.
  std::filesystem::path docker = f.dir.path() / "docker.tar";
  Status docker_written = WriteDockerArchive(f.store, {{image->manifest, {"app:z"}}}, docker);
  REQUIRE_MESSAGE(docker_written.ok(), docker_written.ToString());
  cache::BlobStore fresh = *cache::BlobStore::Open(f.dir.path() / "fresh");
  StatusOr<std::vector<LoadedImage>> loaded = LoadArchive(fresh, docker);
  REQUIRE_MESSAGE(loaded.ok(), loaded.status().ToString());
  CHECK(fresh.Has(image->layer.diff_id));
}

// Writes a tar with the given entries (name -> content) for hostile-input tests.
void WriteTar(const std::filesystem::path& path,
              const std::vector<std::pair<std::string, std::string>>& entries) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  REQUIRE(fd.valid());
  auto out = *TarOutput::Open(fd.get());
  for (const auto& [name, content] : entries) REQUIRE(out->AddFile(name, content).ok());
  REQUIRE(out->Close().ok());
}

TEST_CASE("exporters: hostile archives are refused and leave no blob behind") {
  Fixture f;
  std::filesystem::path path = f.dir.path() / "bad.tar";
  WriteTar(path, {{"blobs/sha256/" + Digest::Of("expected").hex(), "actual"}, {"index.json", "{}"}});
  CHECK(LoadArchive(f.store, path).status().code() == StatusCode::kDataLoss);
  CHECK_FALSE(f.store.Has(Digest::Of("actual")));

  WriteTar(path, {{"../escape", "x"}});
  CHECK(LoadArchive(f.store, path).status().code() == StatusCode::kInvalidArgument);
  WriteTar(path, {{"blobs/sha256/../../x", "x"}});
  CHECK_FALSE(LoadArchive(f.store, path).ok());
  WriteTar(path, {{"index.json", std::string(kMaxJsonBytes + 1, ' ')}});
  CHECK(LoadArchive(f.store, path).status().code() == StatusCode::kResourceExhausted);
  WriteTar(path, {{"hello", "x"}});
  CHECK(LoadArchive(f.store, path).status().code() == StatusCode::kInvalidArgument);

  // A docker archive whose layer does not match the config's diff_id.
  StatusOr<testing::TestImage> image = testing::MakeTestImage(f.store);
  REQUIRE(image.ok());
  std::string config = *f.store.ReadAll(image->config, kMaxJsonBytes);
  WriteTar(path, {{"manifest.json",
                   "[{\"Config\":\"c.json\",\"RepoTags\":[\"x:1\"],\"Layers\":[\"l/layer.tar\"]}]"},
                  {"c.json", config},
                  {"l/layer.tar", std::string(10240, '\0')}});
  cache::BlobStore fresh = *cache::BlobStore::Open(f.dir.path() / "fresh");
  CHECK(LoadArchive(fresh, path).status().code() == StatusCode::kDataLoss);

  LoadLimits small;
  small.max_entries = 1;
  WriteTar(path, {{"a", "1"}, {"b", "2"}});
  CHECK(LoadArchive(fresh, path, small).status().code() == StatusCode::kResourceExhausted);
}

TEST_CASE("exporters: skopeo accepts the OCI and docker archives") {
  if (!HaveTool("skopeo")) MYBUILD_SKIP("skopeo is not installed");
  Fixture f;
  StatusOr<testing::TestImage> image = testing::MakeTestImage(f.store);
  REQUIRE(image.ok());
  std::filesystem::path oci = f.dir.path() / "oci.tar";
  std::filesystem::path docker = f.dir.path() / "docker.tar";
  REQUIRE(WriteOciArchive(f.store, {{image->manifest, {"demo:v1"}}}, oci).ok());
  REQUIRE(WriteDockerArchive(f.store, {{image->manifest, {"demo:v1"}}}, docker).ok());

  auto [oci_rc, oci_out] = Run("skopeo inspect oci-archive:" + Quote(oci));
  CHECK_MESSAGE(oci_rc == 0, oci_out);
  CHECK(oci_out.find(image->layer.blob.digest.ToString()) != std::string::npos);
  auto [raw_rc, raw_out] = Run("skopeo inspect --raw oci-archive:" + Quote(oci) + ":v1");
  CHECK_MESSAGE(raw_rc == 0, raw_out);
  CHECK(Digest::Of(raw_out) == image->manifest);

  auto [docker_rc, docker_out] = Run("skopeo inspect docker-archive:" + Quote(docker));
  CHECK_MESSAGE(docker_rc == 0, docker_out);
  auto [named_rc, named_out] =
      Run("skopeo inspect docker-archive:" + Quote(docker) + ":docker.io/library/demo:v1");
  CHECK_MESSAGE(named_rc == 0, named_out);
  CHECK(docker_out.find(image->layer.diff_id.ToString()) != std::string::npos);
  auto [copy_rc, copy_out] =
      Run("skopeo copy docker-archive:" + Quote(docker) + " oci:" + Quote(f.dir.path() / "copied") + ":v1");
  CHECK_MESSAGE(copy_rc == 0, copy_out);
}

TEST_CASE("exporters: umoci unpacks the OCI archive with contents, modes and owners") {
  if (!HaveTool("umoci")) MYBUILD_SKIP("umoci is not installed");
  if (::geteuid() != 0) MYBUILD_SKIP("umoci unpack keeps owners only as root");
  Fixture f;
  StatusOr<testing::TestImage> image = testing::MakeTestImage(f.store);
  REQUIRE(image.ok());
  std::filesystem::path oci = f.dir.path() / "oci.tar";
  REQUIRE(WriteOciArchive(f.store, {{image->manifest, {"demo:v1"}}}, oci).ok());
  std::filesystem::path layout = f.dir.path() / "layout";
  std::filesystem::create_directory(layout);
  auto [tar_rc, tar_out] = Run("tar -xf " + Quote(oci) + " -C " + Quote(layout));
  REQUIRE_MESSAGE(tar_rc == 0, tar_out);
  std::filesystem::path bundle = f.dir.path() / "bundle";
  auto [rc, out] = Run("umoci unpack --image " + Quote(layout) + ":v1 " + Quote(bundle));
  REQUIRE_MESSAGE(rc == 0, out);
  std::filesystem::path rootfs = bundle / "rootfs";
  CHECK(*ReadFile(rootfs / "app" / "hello.txt") == "hello world\n");
  struct stat st {};
  REQUIRE(::lstat((rootfs / "app" / "hello.txt").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0640);
  CHECK(st.st_uid == 1000);
  CHECK(st.st_gid == 1001);
  REQUIRE(::lstat((rootfs / "app" / "run.sh").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0755);
  REQUIRE(::lstat((rootfs / "app").c_str(), &st) == 0);
  CHECK(S_ISDIR(st.st_mode));
  CHECK((st.st_mode & 07777) == 0750);
  CHECK(st.st_uid == 1000);
  REQUIRE(::lstat((rootfs / "app" / "link").c_str(), &st) == 0);
  CHECK(S_ISLNK(st.st_mode));
  CHECK(std::filesystem::read_symlink(rootfs / "app" / "link") == "hello.txt");
  std::string config = *ReadFile(bundle / "config.json");
  CHECK(config.find("/app/run.sh") != std::string::npos);
}

}  // namespace
}  // namespace mybuild::image

#include "cache/blob_store.h"

#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "src/base/temp_dir.h"
#include "tests/test_support.h"

namespace mybuild::cache {
namespace {

size_t CountFiles(const std::filesystem::path& dir) {
  size_t count = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir)) ++count;
  return count;
}

TEST_CASE("blob store: streamed write is content-addressed and readable") {
  TempDir dir = *TempDir::Create();
  BlobStore store = *BlobStore::Open(dir.path() / "root");
  BlobWriter writer = *store.BeginWrite();
  std::string big(1 << 20, 'x');
  REQUIRE(writer.Write("hello ").ok());
  REQUIRE(writer.Write(big).ok());
  StatusOr<BlobInfo> info = writer.Commit();
  REQUIRE(info.ok());
  CHECK(info->digest == Digest::Of("hello " + big));
  CHECK(info->size == big.size() + 6);
  CHECK(store.Has(info->digest));
  CHECK(*store.Size(info->digest) == info->size);
  CHECK(*store.ReadAll(info->digest, 2 << 20) == "hello " + big);
  CHECK(store.ReadAll(info->digest, 10).status().code() == StatusCode::kResourceExhausted);
  CHECK(store.OpenRead(info->digest).ok());
  CHECK(CountFiles(dir.path() / "root" / "ingest") == 0);
}

TEST_CASE("blob store: a writer destroyed without commit leaves nothing behind") {
  TempDir dir = *TempDir::Create();
  BlobStore store = *BlobStore::Open(dir.path());
  {
    BlobWriter writer = *store.BeginWrite();
    REQUIRE(writer.Write("partial").ok());
    CHECK(CountFiles(dir.path() / "ingest") == 1);
  }
  CHECK(CountFiles(dir.path() / "ingest") == 0);
  CHECK(CountFiles(dir.path() / "blobs" / "sha256") == 0);
  CHECK_FALSE(store.Has(Digest::Of("partial")));
}

TEST_CASE("blob store: digest or size mismatch is refused and nothing becomes visible") {
  TempDir dir = *TempDir::Create();
  BlobStore store = *BlobStore::Open(dir.path());
  BlobWriter writer = *store.BeginWrite();
  REQUIRE(writer.Write("actual").ok());
  StatusOr<BlobInfo> info = writer.Commit(Digest::Of("expected"));
  CHECK(info.status().code() == StatusCode::kDataLoss);
  CHECK(CountFiles(dir.path() / "blobs" / "sha256") == 0);
  CHECK(CountFiles(dir.path() / "ingest") == 0);
  CHECK_FALSE(writer.Write("more").ok());

  BlobWriter sized = *store.BeginWrite();
  REQUIRE(sized.Write("actual").ok());
  CHECK(sized.Commit(std::nullopt, 7).status().code() == StatusCode::kDataLoss);
  CHECK(store.Put("actual", Digest::Of("other")).status().code() == StatusCode::kDataLoss);
}

TEST_CASE("blob store: an existing blob makes commit succeed, concurrent writers of one blob succeed") {
  TempDir dir = *TempDir::Create();
  BlobStore store = *BlobStore::Open(dir.path());
  std::string content(300000, 'q');
  std::vector<std::thread> threads;
  std::vector<int> ok(8, 0);
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      StatusOr<BlobWriter> writer = store.BeginWrite();
      if (!writer.ok()) return;
      for (size_t off = 0; off < content.size(); off += 1000) {
        if (!writer->Write(std::string_view(content).substr(off, 1000)).ok()) return;
      }
      ok[i] = writer->Commit(Digest::Of(content)).ok() ? 1 : 0;
    });
  }
  for (auto& thread : threads) thread.join();
  for (int value : ok) CHECK(value == 1);
  CHECK(CountFiles(dir.path() / "blobs" / "sha256") == 1);
  CHECK(CountFiles(dir.path() / "ingest") == 0);
  CHECK(store.Put(content).ok());
  CHECK(*store.ReadAll(Digest::Of(content), 1 << 20) == content);
}

TEST_CASE("blob store: CopyFrom verifies the source blob and OpenExisting creates nothing") {
  TempDir dir = *TempDir::Create();
  BlobStore from = *BlobStore::Open(dir.path() / "from");
  BlobStore to = *BlobStore::Open(dir.path() / "to");
  const std::string content(700000, 'c');  // more than one read buffer
  BlobInfo info = *from.Put(content);
  REQUIRE(to.CopyFrom(from, info.digest).ok());
  CHECK(*to.ReadAll(info.digest, 1 << 20) == content);
  CHECK(to.CopyFrom(from, info.digest).ok());  // present already

  BlobInfo other = *from.Put("other");
  std::filesystem::permissions(from.BlobPath(other.digest), std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::add);
  { std::ofstream(from.BlobPath(other.digest)) << "tampered"; }
  Status copied = to.CopyFrom(from, other.digest);
  CHECK(copied.code() == StatusCode::kDataLoss);
  CHECK_FALSE(to.Has(other.digest));
  CHECK(CountFiles(to.root() / "ingest") == 0);
  CHECK(to.CopyFrom(from, Digest::Of("absent")).code() == StatusCode::kNotFound);

  CHECK(BlobStore::OpenExisting(dir.path() / "nothing").status().code() == StatusCode::kNotFound);
  CHECK_FALSE(std::filesystem::exists(dir.path() / "nothing"));
  StatusOr<BlobStore> existing = BlobStore::OpenExisting(dir.path() / "from");
  REQUIRE(existing.ok());
  CHECK(existing->Has(info.digest));
}

TEST_CASE("blob store: absent blobs are NotFound and corruption is detected") {
  TempDir dir = *TempDir::Create();
  BlobStore store = *BlobStore::Open(dir.path());
  Digest missing = Digest::Of("missing");
  CHECK(store.Size(missing).status().code() == StatusCode::kNotFound);
  CHECK(store.OpenRead(missing).status().code() == StatusCode::kNotFound);
  BlobInfo info = *store.Put("good");
  std::filesystem::permissions(store.BlobPath(info.digest), std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::add);
  { std::ofstream(store.BlobPath(info.digest)) << "evil"; }
  CHECK(store.ReadAll(info.digest, 100).status().code() == StatusCode::kDataLoss);
  CHECK(store.Delete(info.digest).ok());
  CHECK_FALSE(store.Has(info.digest));
  CHECK(store.Delete(info.digest).ok());
}

TEST_CASE("blob store: stale ingest files from killed writers are removed, live ones kept") {
  TempDir dir = *TempDir::Create();
  BlobStore store = *BlobStore::Open(dir.path());
  { std::ofstream(dir.path() / "ingest" / "blob-dead") << "left by a killed build"; }
  std::filesystem::last_write_time(dir.path() / "ingest" / "blob-dead",
                                   std::filesystem::file_time_type::clock::now() - std::chrono::hours(2));
  BlobWriter live = *store.BeginWrite();
  REQUIRE(live.Write("in progress").ok());
  CHECK(*store.RemoveStaleIngest(3600) == 1);
  CHECK(CountFiles(dir.path() / "ingest") == 1);
  CHECK(live.Commit().ok());
}

}  // namespace
}  // namespace mybuild::cache

#include "cache/gc.h"

#include <doctest/doctest.h>

#include <atomic>
#include <fstream>
#include <future>
#include <thread>

#include "src/base/temp_dir.h"

namespace mybuild::cache {
namespace {

TEST_CASE("gc: SweepBlobs deletes exactly the blobs that are not live, and nothing in a dry run") {
  TempDir dir = *TempDir::Create();
  BlobStore store = *BlobStore::Open(dir.path());
  const BlobInfo live = *store.Put("live");
  const BlobInfo dead = *store.Put("dead bytes");
  std::ofstream(dir.path() / "blobs" / "sha256" / "not-a-digest") << "x";
  LiveSet set;
  set.blobs.insert(live.digest);

  GcReport dry;
  REQUIRE(SweepBlobs(store, set, /*dry_run=*/true, dry).ok());
  CHECK(dry.Count(GcReport::Kind::kBlob) == 1);
  CHECK(store.Has(dead.digest));

  GcReport report;
  REQUIRE(SweepBlobs(store, set, /*dry_run=*/false, report).ok());
  REQUIRE(report.items.size() == 1);
  CHECK(report.items[0].id == dead.digest.ToString());
  CHECK(report.Bytes() == dead.size);
  CHECK(store.Has(live.digest));
  CHECK_FALSE(store.Has(dead.digest));
  CHECK(std::filesystem::exists(dir.path() / "blobs" / "sha256" / "not-a-digest"));  // not ours to judge
}

TEST_CASE("gc: SweepIngest removes every ingest file, fresh ones included") {
  TempDir dir = *TempDir::Create();
  BlobStore store = *BlobStore::Open(dir.path());
  std::ofstream(dir.path() / "ingest" / "blob-left") << "12345";
  GcReport report;
  REQUIRE(SweepIngest(store, false, report).ok());
  CHECK(report.Count(GcReport::Kind::kIngest) == 1);
  CHECK(report.Bytes() == 5);
  CHECK(std::filesystem::is_empty(dir.path() / "ingest"));
}

TEST_CASE("gc: the GC lock is shared among commands and exclusive for prune") {
  TempDir dir = *TempDir::Create();
  FileLock build = *AcquireGcLock(dir.path(), FileLock::Mode::kShared, nullptr);
  FileLock other_build = *AcquireGcLock(dir.path(), FileLock::Mode::kShared, [] { FAIL("shared waits for shared"); });
  CHECK_FALSE(FileLock::TryAcquire(GcLockPath(dir.path()), FileLock::Mode::kExclusive)->has_value());

  // A prune waits for both builds, and says so before it waits.
  std::promise<void> waiting;
  std::future<void> announced = waiting.get_future();
  std::future<bool> pruned = std::async(std::launch::async, [&] {
    StatusOr<FileLock> lock = AcquireGcLock(dir.path(), FileLock::Mode::kExclusive, [&] { waiting.set_value(); });
    return lock.ok();
  });
  announced.wait();
  CHECK(pruned.wait_for(std::chrono::milliseconds(100)) == std::future_status::timeout);
  build = FileLock();
  other_build = FileLock();
  CHECK(pruned.get());
}

TEST_CASE("gc: a waiting prune goes before commands that start after it") {
  TempDir dir = *TempDir::Create();
  FileLock running = *AcquireGcLock(dir.path(), FileLock::Mode::kShared, nullptr);
  std::atomic<bool> prune_done{false};
  std::future<bool> pruned = std::async(std::launch::async, [&] {
    StatusOr<FileLock> lock = AcquireGcLock(dir.path(), FileLock::Mode::kExclusive, nullptr);
    prune_done = true;
    return lock.ok();
  });
  // The prune has closed the gate once a shared take of the gate would wait.
  while (FileLock::TryAcquire(GcGatePath(dir.path()), FileLock::Mode::kShared)->has_value()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  std::promise<void> waiting;
  std::future<void> announced = waiting.get_future();
  std::future<bool> later = std::async(std::launch::async, [&] {
    StatusOr<FileLock> lock = AcquireGcLock(dir.path(), FileLock::Mode::kShared, [&] { waiting.set_value(); });
    return lock.ok() && prune_done.load();  // only after the prune had the lock
  });
  announced.wait();  // the later command waits (and says so) although the running one holds it shared
  running = FileLock();
  CHECK(pruned.get());
  CHECK(later.get());
}

}  // namespace
}  // namespace mybuild::cache

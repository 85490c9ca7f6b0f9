// RUN --mount=type=cache instances: keys and seeds (from=, source=, uid/gid/mode) and the sharing modes
// (shared, private, locked), as BuildKit's mount manager has them.
#include "src/worker/cache_mounts.h"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "src/base/temp_dir.h"
#include "tests/test_support.h"

namespace mybuild::worker {
namespace {

namespace fs = std::filesystem;

struct Dirs {
  TempDir tmp;
  fs::path caches;
  CancelToken cancel;
  Dirs() {
    auto t = TempDir::Create({}, "cache-mounts-test-");
    REQUIRE(t.ok());
    tmp = std::move(t).value();
    caches = tmp.path() / "cache-mounts";
  }
  fs::path Hold(const graph::Mount& mount, std::vector<HeldCache>& held, const CacheFrom& from = {}) {
    auto dir = HoldCacheMount(mount, from, caches, cancel, held);
    REQUIRE_MESSAGE(dir.ok(), dir.status().ToString());
    return *dir;
  }
};

graph::Mount Cache(const std::string& id, graph::CacheSharing sharing = graph::CacheSharing::kShared) {
  graph::Mount m;
  m.type = graph::MountType::kCache;
  m.target = "/cache";
  m.cache_id = id;
  m.sharing = sharing;
  return m;
}

std::string Mode(const fs::path& p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return std::to_string(st.st_uid) + ":" + std::to_string(st.st_gid) + " " +
         std::to_string((st.st_mode & 07777) >> 6) + std::to_string((st.st_mode & 070) >> 3) +
         std::to_string(st.st_mode & 07);
}

TEST_CASE("cache mounts: shared users share one instance, private users get their own while it is in use") {
  Dirs d;
  std::vector<HeldCache> a, b, c;
  fs::path first = d.Hold(Cache("x"), a);
  CHECK(d.Hold(Cache("x"), b) == first);
  CHECK(d.Hold(Cache("y"), b) != first);  // another id is another cache
  fs::path priv = d.Hold(Cache("x", graph::CacheSharing::kPrivate), c);
  CHECK(priv != first);  // instance 0 is in use (shared)
  a.clear();
  b.clear();
  std::vector<HeldCache> e;
  CHECK(d.Hold(Cache("x", graph::CacheSharing::kPrivate), e) == first);  // free again: reused
  // A shared user while both instances are held exclusively gets a third instance, never waits.
  std::vector<HeldCache> f;
  fs::path third = d.Hold(Cache("x"), f);
  CHECK(third != first);
  CHECK(third != priv);
}

TEST_CASE("cache mounts: a locked user waits until the instance is released, and can be cancelled") {
  Dirs d;
  auto holder = std::make_unique<std::vector<HeldCache>>();
  fs::path dir = d.Hold(Cache("x", graph::CacheSharing::kLocked), *holder);
  std::atomic<bool> released{false};
  std::atomic<bool> released_before_acquired{false};
  fs::path second;
  std::thread waiter([&] {
    std::vector<HeldCache> mine;
    auto got = HoldCacheMount(Cache("x", graph::CacheSharing::kLocked), {}, d.caches, d.cancel, mine);
    released_before_acquired = released.load();
    if (got.ok()) second = *got;
  });
  released = true;
  holder.reset();
  waiter.join();
  CHECK(released_before_acquired);  // it could only get the lock after the holder let go
  CHECK(second == dir);             // the same instance, not a new one

  std::vector<HeldCache> again;
  d.Hold(Cache("x", graph::CacheSharing::kLocked), again);
  CancelToken cancel;
  std::thread canceller([&] { cancel.Cancel(); });
  std::vector<HeldCache> mine;
  auto got = HoldCacheMount(Cache("x", graph::CacheSharing::kLocked), {}, d.caches, cancel, mine);
  canceller.join();
  REQUIRE_FALSE(got.ok());
  CHECK(got.status().code() == StatusCode::kCancelled);
}

TEST_CASE("cache mounts: two mounts of one locked cache in one RUN share the instance (no self-deadlock)") {
  Dirs d;
  std::vector<HeldCache> held;
  fs::path a = d.Hold(Cache("x", graph::CacheSharing::kLocked), held);
  graph::Mount other = Cache("x", graph::CacheSharing::kLocked);
  other.target = "/other";
  CHECK(d.Hold(other, held) == a);
  CHECK(held.size() == 1);
}

TEST_CASE("cache mounts: uid, gid and mode give a new cache that owner and mode, the default is 0755 root") {
  if (::geteuid() != 0) MYBUILD_SKIP("chown needs root");
  Dirs d;
  std::vector<HeldCache> held;
  fs::path plain = d.Hold(Cache("x"), held);
  CHECK(Mode(plain) == "0:0 755");
  graph::Mount owned = Cache("x");
  owned.uid = 10;
  owned.gid = 20;
  owned.mode = 0700;
  fs::path dir = d.Hold(owned, held);
  CHECK(dir != plain);  // the seed is part of the key
  CHECK(Mode(dir) == "10:20 700");
  graph::Mount uid_only = Cache("x");
  uid_only.uid = 33;
  CHECK(Mode(d.Hold(uid_only, held)) == "33:0 755");
  graph::Mount mode_only = Cache("x");
  mode_only.mode = 01777;
  CHECK(Mode(d.Hold(mode_only, held)) == "0:0 777");  // mode & 0777, as the reference
  // The instance keeps its first owner and mode even when a RUN changes nothing else.
  held.clear();
  std::vector<HeldCache> again;
  CHECK(d.Hold(owned, again) == dir);
}

TEST_CASE("cache mounts: from= seeds a new instance, source= without from= is a directory in the cache") {
  if (::geteuid() != 0) MYBUILD_SKIP("copying owners needs root");
  Dirs d;
  fs::path stage = d.tmp.path() / "stage";
  fs::create_directories(stage / "data/sub");
  std::ofstream(stage / "data/seed") << "seed";
  std::ofstream(stage / "top") << "top";
  auto root = snapshotter::RootFs::Open(stage);
  REQUIRE(root.ok());
  CacheFrom from{&*root, Digest::Of("stage")};
  std::vector<HeldCache> held;

  graph::Mount sub = Cache("x");
  sub.source_path = "/data";
  fs::path seeded = d.Hold(sub, held, from);
  CHECK(fs::exists(seeded / "seed"));
  CHECK(fs::is_directory(seeded / "sub"));
  CHECK_FALSE(fs::exists(seeded / "top"));
  std::ofstream(seeded / "written") << "w";  // writes stay in the cache, never in the stage
  CHECK_FALSE(fs::exists(stage / "data/written"));

  fs::path whole = d.Hold(Cache("x"), held, from);
  CHECK(fs::exists(whole / "top"));
  CHECK(whole != seeded);

  // from= with uid/gid/mode and no source: the stage's /cache (none here) → an empty owned directory.
  graph::Mount owned = Cache("x");
  owned.uid = 5;
  fs::path owned_dir = d.Hold(owned, held, from);
  CHECK(fs::is_empty(owned_dir));
  CHECK(Mode(owned_dir) == "5:0 755");

  // A seed from another input is another cache.
  CacheFrom other{&*root, Digest::Of("other stage")};
  CHECK(d.Hold(sub, held, other) != seeded);

  graph::Mount inside = Cache("plain");
  inside.source_path = "pkg/a";
  fs::path in = d.Hold(inside, held);
  CHECK(fs::is_directory(in));
  CHECK(in.filename() == "a");
  CHECK(d.Hold(Cache("plain"), held) / "pkg/a" == in);  // the same cache, seen whole
}

TEST_CASE("cache mounts: keys: the id alone without a seed (the layout of earlier versions)") {
  graph::Mount m = Cache("/root/.cache");
  CHECK(CacheMountKey(m, {}) == "/root/.cache");
  m.mode = 0700;
  CHECK(CacheMountKey(m, {}) == "/root/.cache\ndir 0:0:448");
  m.source_path = "/sub";
  CHECK(CacheMountKey(m, {}) == "/root/.cache");  // with a source, owner and mode do not apply
}

}  // namespace
}  // namespace mybuild::worker

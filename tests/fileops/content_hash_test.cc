#include "src/fileops/content_hash.h"

#include <doctest/doctest.h>
#include <sys/xattr.h>
#include <sys/stat.h>

#include "tests/fileops/fixture.h"

namespace mybuild::fileops {
namespace {

using namespace mybuild::fileops::testing;

class CountingHasher : public ContentHasher {
 public:
  StatusOr<Digest> HashContent(int fd) override {
    ++reads;
    return inner.HashContent(fd);
  }
  int reads = 0;
  ReadingContentHasher inner;
};

struct HashFixture : CopyFixture {
  HashFixture() {
    Ctx("src/main.c", "int main(){}");
    Ctx("src/util.c", "void f(){}");
    Ctx("README.md", "readme");
    Ctx("build/out.o", "binary");
  }
  Digest Hash(const CopySpec& spec, const PathFilter* ignore = nullptr, HashOptions options = {}) {
    auto root = snapshotter::RootFs::Open(context);
    REQUIRE(root.ok());
    auto digest = HashSources(spec, &*root, ignore, options);
    REQUIRE_MESSAGE(digest.ok(), digest.status().ToString());
    return *digest;
  }
};

TEST_CASE("HashSources is stable and sensitive to content, mode, names and links") {
  HashFixture f;
  const CopySpec all = Copy({"."}, "/app/");
  const Digest first = f.Hash(all);
  CHECK(f.Hash(all) == first);

  // Mtime alone does not change the digest.
  struct timespec times[2] = {{12345, 0}, {12345, 0}};
  REQUIRE(::utimensat(AT_FDCWD, (f.context / "src/main.c").c_str(), times, 0) == 0);
  CHECK(f.Hash(all) == first);

  WriteText(f.context / "src/main.c", "int main(){return 1;}");
  const Digest content_changed = f.Hash(all);
  CHECK(content_changed != first);

  REQUIRE(::chmod((f.context / "src/main.c").c_str(), 0755) == 0);
  const Digest mode_changed = f.Hash(all);
  CHECK(mode_changed != content_changed);

  fs::rename(f.context / "src/util.c", f.context / "src/util2.c");
  const Digest renamed = f.Hash(all);
  CHECK(renamed != mode_changed);

  fs::create_symlink("main.c", f.context / "src/link");
  const Digest linked = f.Hash(all);
  CHECK(linked != renamed);
  fs::remove(f.context / "src/link");
  fs::create_symlink("util2.c", f.context / "src/link");
  CHECK(f.Hash(all) != linked);

  // The xattrs a layer carries count (security.capability); user.* ones do not reach the layer.
  const Digest before_xattrs = f.Hash(all);
  const std::string main_c = (f.context / "src/main.c").string();
  if (::setxattr(main_c.c_str(), "user.note", "x", 1, 0) == 0) CHECK(f.Hash(all) == before_xattrs);
  const unsigned char cap[20] = {0x01, 0, 0, 0x02, 0, 0x04, 0, 0};  // revision 2, cap_net_bind_service
  if (::setxattr(main_c.c_str(), "security.capability", cap, sizeof cap, 0) == 0) {
    CHECK(f.Hash(all) != before_xattrs);
  } else {
    MESSAGE("skipped: security.capability cannot be set here");
  }

  // Different selections differ; the digest covers only the selected sources.
  const Digest only_src = f.Hash(Copy({"src"}, "/app/"));
  WriteText(f.context / "README.md", "changed");
  CHECK(f.Hash(Copy({"src"}, "/app/")) == only_src);
  CHECK(f.Hash(Copy({"*.md"}, "/")) != f.Hash(Copy({"src/*.c"}, "/")));
}

TEST_CASE("HashSources ignores what .dockerignore and --exclude leave out") {
  HashFixture f;
  auto ignore = DockerIgnoreFilter::FromDockerignore("build\n*.md\n");
  REQUIRE(ignore.ok());
  const CopySpec all = Copy({"."}, "/app/");
  const Digest before = f.Hash(all, &*ignore);
  WriteText(f.context / "build/out.o", "other binary");
  WriteText(f.context / "build/new.o", "new");
  WriteText(f.context / "README.md", "edited");
  CHECK(f.Hash(all, &*ignore) == before);
  WriteText(f.context / "src/util.c", "edited");
  CHECK(f.Hash(all, &*ignore) != before);

  CopySpec excl = Copy({"."}, "/app/");
  excl.excludes = {"src/util.c"};
  const Digest e1 = f.Hash(excl);
  WriteText(f.context / "src/util.c", "edited again");
  CHECK(f.Hash(excl) == e1);

  // Missing sources fail the same way as the copy.
  auto root = snapshotter::RootFs::Open(f.context);
  auto missing = HashSources(Copy({"nope"}, "/"), &*root, nullptr);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().message() == "failed to compute cache key: \"/nope\": not found");
}

TEST_CASE("stat cache: unchanged files are not read again; changed ones are") {
  HashFixture f;
  MemoryStatCache cache;
  CountingHasher hasher;
  HashOptions options{&cache, &hasher};
  const CopySpec all = Copy({"."}, "/app/");
  const Digest first = f.Hash(all, nullptr, options);
  CHECK(hasher.reads == 4);
  CHECK(cache.size() == 4);
  CHECK(f.Hash(all, nullptr, options) == first);
  CHECK(hasher.reads == 4);  // all hits

  WriteText(f.context / "src/util.c", "changed!!!");  // size, mtime and ctime change
  CHECK(f.Hash(all, nullptr, options) != first);
  CHECK(hasher.reads == 5);

  // The same result with and without a cache.
  CHECK(f.Hash(all) == f.Hash(all, nullptr, options));
}

TEST_CASE("FileStatCache persists atomically and survives garbage") {
  HashFixture f;
  fs::path file = f.tmp.path() / "statcache";
  CountingHasher hasher;
  const CopySpec all = Copy({"."}, "/app/");
  {
    auto cache = FileStatCache::Load(file);
    CHECK(cache->size() == 0);
    f.Hash(all, nullptr, HashOptions{cache.get(), &hasher});
    REQUIRE_OK(cache->Save());
  }
  CHECK(hasher.reads == 4);
  CHECK(fs::exists(file));
  CHECK((LstatPath(file)->st_mode & 07777) == 0600);
  {
    auto cache = FileStatCache::Load(file);
    CHECK(cache->size() == 4);
    f.Hash(all, nullptr, HashOptions{cache.get(), &hasher});
    CHECK(hasher.reads == 4);  // nothing re-read after a reload
  }
  WriteText(file, "{not a stat cache");
  auto broken = FileStatCache::Load(file);
  CHECK(broken->size() == 0);
  WriteText(file, "mybuild-statcache 3\n1 2 3 4 5 ../x\n1 3 3 4 5 " + std::string(64, 'a') + "\n1 4 x 4 5 " +
                      std::string(64, 'b') + "\n-1 5 3 4 5 " + std::string(64, 'c') + "\n1 6 3 4 5 " +
                      std::string(64, 'd'));  // the last line is torn (no newline)
  auto partial = FileStatCache::Load(file);
  CHECK(partial->size() == 1);
  CHECK(partial->Lookup(StatKey{1, 3, 3, 4, 5}).has_value());
  CHECK_FALSE(partial->Lookup(StatKey{1, 3, 3, 4, 6}).has_value());
}

TEST_CASE("FileStatCache: caches saved by concurrent builds keep each other's entries") {
  HashFixture f;
  fs::path file = f.tmp.path() / "statcache";
  const Digest one = Digest::Of("one");
  const Digest two = Digest::Of("two");
  const Digest newer = Digest::Of("newer");
  auto first = FileStatCache::Load(file);
  auto second = FileStatCache::Load(file);  // both loaded before either saved
  first->Store(StatKey{1, 10, 3, 4, 5}, one);
  first->Store(StatKey{1, 30, 3, 4, 5}, one);
  second->Store(StatKey{1, 20, 3, 4, 5}, two);
  second->Store(StatKey{1, 30, 3, 4, 6}, newer);  // the same file, changed since `first` saw it
  REQUIRE_OK(first->Save());
  REQUIRE_OK(second->Save());
  auto merged = FileStatCache::Load(file);
  CHECK(merged->size() == 3);
  CHECK(merged->Lookup(StatKey{1, 10, 3, 4, 5}) == std::optional<Digest>(one));
  CHECK(merged->Lookup(StatKey{1, 20, 3, 4, 5}) == std::optional<Digest>(two));
  CHECK(merged->Lookup(StatKey{1, 30, 3, 4, 6}) == std::optional<Digest>(newer));  // the later saver's entry
  CHECK_FALSE(merged->Lookup(StatKey{1, 30, 3, 4, 5}).has_value());
}

}  // namespace
}  // namespace mybuild::fileops

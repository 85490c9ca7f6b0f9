#include "src/fileops/streamed_copy.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "snapshotter/diff.h"
#include "tests/fileops/fixture.h"

namespace mybuild::fileops {
namespace {

using namespace mybuild::fileops::testing;

constexpr int64_t kOld = 1000000000;  // the mtime of everything in the parent rootfs
const snapshotter::Timestamp kNow{2000000000, 0};

// Makes the same parent rootfs in `dir` every time: the listed directories and files, all with mtime kOld.
void MakeParent(const fs::path& dir, const std::vector<std::string>& dirs, const std::vector<std::string>& files) {
  fs::create_directories(dir);
  for (const auto& d : dirs) fs::create_directories(dir / d);
  for (const auto& f : files) WriteText(dir / f, "old");
  for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator(); ++it) {
    struct timespec times[2] = {{kOld, 0}, {kOld, 0}};
    REQUIRE(::utimensat(AT_FDCWD, it->path().c_str(), times, AT_SYMLINK_NOFOLLOW) == 0);
  }
}

// The roots a plan reads: the context of `f` and the parent rootfs in `parent_dir`.
struct PlanRoots {
  snapshotter::RootFs context;
  snapshotter::RootFs parent;
  CopyEnvironment env() const {
    CopyEnvironment out;
    out.source_root = &context;
    out.dest = &parent;
    return out;
  }
};

PlanRoots OpenRoots(const CopyFixture& f, const fs::path& parent_dir) {
  auto context = snapshotter::RootFs::Open(f.context);
  auto parent = snapshotter::RootFs::Open(parent_dir);
  REQUIRE(context.ok());
  REQUIRE(parent.ok());
  return PlanRoots{std::move(context).value(), std::move(parent).value()};
}

struct StreamCase {
  const char* name;
  std::vector<std::string> sources;
  std::string dest;
  std::vector<std::string> existing_dirs;
  std::vector<std::string> existing_files;
  bool streamed;  // whether PlanStreamedCopy takes it (else it must answer nullopt)
  std::string chown = "";
  std::string chmod = "";
};

// The diff of ExecuteCopy on a copy of the parent: what the snapshot way puts in the layer.
std::vector<snapshotter::LayerEntry> SnapshotWay(CopyFixture& f, const StreamCase& c, const CopySpec& spec) {
  fs::path lower = f.tmp.path() / "lower";
  MakeParent(lower, c.existing_dirs, c.existing_files);
  MakeParent(f.rootfs, c.existing_dirs, c.existing_files);
  REQUIRE_OK(f.Run(spec));
  auto entries = snapshotter::DiffTrees(lower, f.rootfs);
  REQUIRE_OK(entries);
  return *entries;
}

TEST_CASE("a streamed COPY plans exactly the entries the snapshot diff gives") {
  const StreamCase cases[] = {
      {"file to new name", {"a.txt"}, "/dest", {}, {}, true},
      {"file into new dir", {"a.txt"}, "/dest/", {}, {}, true},
      {"file into existing dir", {"a.txt"}, "/dest", {"dest"}, {}, true},
      {"file below existing dirs", {"a.txt"}, "/usr/local/bin/", {"usr/local/bin"}, {}, true},
      {"dir copies its contents", {"dir"}, "/dest", {}, {}, true},
      {"dir into existing empty dir", {"dir"}, "/dest", {"dest"}, {}, true},
      {"dir into existing dir with other files", {"dir"}, "/dest", {"dest/keep"}, {"dest/k.txt"}, true},
      {"missing parents created", {"a.txt"}, "/x/y/z/", {"x"}, {}, true},
      {"whole context", {"."}, "/app/", {}, {}, true},
      {"two sources", {"a.txt", "b.txt"}, "/d/", {}, {}, true},
      {"wildcard", {"*.txt"}, "/d/", {}, {}, true},
      {"empty wildcard among sources", {"missing*", "a.txt", "nomatch?/x"}, "/d/", {}, {}, true},
      {"double-star components", {"**/**"}, "/d/", {}, {}, true},
      {"wildcard below a file", {"a.txt/*", "b.txt"}, "/d/", {}, {}, true},
      {"chown and chmod", {"dir"}, "/owned/", {}, {}, true, "1000:50", "0750"},
      {"symbolic chmod", {"dir", "a.txt"}, "/sym/", {}, {}, true, "", "u=rwX,go=rX"},
      {"file over existing file", {"a.txt"}, "/dest", {}, {"dest"}, false},
      {"dir over existing file below", {"dir"}, "/dest", {}, {"dest/one"}, false},
      {"subdir merged into existing subdir", {"dir"}, "/dest", {"dest/sub"}, {}, false},
      {"two sources write the same path", {"dir", "dir/one"}, "/d/", {}, {}, false},
  };
  for (const StreamCase& c : cases) {
    CAPTURE(c.name);
    CopyFixture f;
    f.Ctx("a.txt", "A");
    f.Ctx("b.txt", "B", 0600);
    f.Ctx("dir/one", "1", 0755);
    f.Ctx("dir/sub/two", "2");
    REQUIRE(::symlink("one", (f.context / "dir/link").c_str()) == 0);
    REQUIRE(::link((f.context / "dir/one").c_str(), (f.context / "dir/hard").c_str()) == 0);
    CopySpec spec = Copy(c.sources, c.dest);
    spec.chown = c.chown;
    spec.chmod = c.chmod;

    fs::path parent_dir = f.tmp.path() / "parent";
    MakeParent(parent_dir, c.existing_dirs, c.existing_files);
    PlanRoots roots = OpenRoots(f, parent_dir);
    auto planned = PlanStreamedCopy(spec, roots.env(), kNow);
    REQUIRE_OK(planned);
    REQUIRE(planned->has_value() == c.streamed);
    if (!c.streamed) continue;

    std::vector<snapshotter::LayerEntry> expected = SnapshotWay(f, c, spec);
    REQUIRE((*planned)->size() == expected.size());
    for (size_t i = 0; i < expected.size(); ++i) {
      const snapshotter::LayerEntry& want = expected[i];
      const snapshotter::LayerEntry& got = (**planned)[i].entry;
      CAPTURE(snapshotter::DescribeEntry(want));
      CAPTURE(snapshotter::DescribeEntry(got));
      CHECK(got.path == want.path);
      CHECK(got.type == want.type);
      CHECK(got.mode == want.mode);
      CHECK(got.uid == want.uid);
      CHECK(got.gid == want.gid);
      CHECK(got.size == want.size);
      CHECK(got.linkname == want.linkname);
      // A directory the copy creates or adds to has the time of the copy: kNow in the plan, the clock
      // in the snapshot. Everything else keeps its time.
      if (got.mtime == kNow) {
        CHECK(got.type == snapshotter::EntryType::kDirectory);
        CHECK(want.mtime.seconds > kOld);
      } else {
        CHECK(got.mtime.seconds == want.mtime.seconds);
      }
      if (got.type == snapshotter::EntryType::kRegular && got.size > 0) {
        auto fd = OpenStreamedContent(roots.context, (**planned)[i]);
        REQUIRE(fd.ok());
        char buf[16] = {};
        CHECK(::read(fd->get(), buf, sizeof buf) == static_cast<ssize_t>(got.size));
      }
    }
  }
}

TEST_CASE("a streamed COPY is refused for ADD, URLs, heredocs, --parents and symlinked destinations") {
  CopyFixture f;
  f.Ctx("a.txt", "A");
  fs::path parent_dir = f.tmp.path() / "parent";
  fs::create_directories(parent_dir / "real");
  REQUIRE(::symlink("real", (parent_dir / "link").c_str()) == 0);
  PlanRoots roots = OpenRoots(f, parent_dir);
  const CopyEnvironment env = roots.env();

  auto refused = [&](CopySpec spec) {
    auto planned = PlanStreamedCopy(spec, env, kNow);
    REQUIRE_OK(planned);
    return !planned->has_value();
  };
  CopySpec add = Copy({"a.txt"}, "/d/");
  add.is_add = true;
  CHECK(refused(add));
  CopySpec url = Copy({}, "/d/");
  url.sources.push_back(CopySource::Url("http://example.com/x"));
  CHECK(refused(url));
  CopySpec heredoc = Copy({}, "/d/");
  heredoc.sources.push_back(CopySource::Heredoc("x", "text"));
  CHECK(refused(heredoc));
  CopySpec parents = Copy({"a.txt"}, "/d/");
  parents.parents = true;
  CHECK(refused(parents));
  CHECK(refused(Copy({"a.txt"}, "/link/")));
  CHECK(refused(Copy({"missing.txt"}, "/d/")));  // the ordinary copy reports the error
  CHECK_FALSE(refused(Copy({"a.txt"}, "/real/")));
}

TEST_CASE("a streamed file that changes before it is read is an error") {
  CopyFixture f;
  f.Ctx("a.txt", "A");
  auto context = snapshotter::RootFs::Open(f.context);
  REQUIRE(context.ok());
  CopyEnvironment env;
  env.source_root = &*context;
  auto planned = PlanStreamedCopy(Copy({"a.txt"}, "/d/"), env, kNow);
  REQUIRE_OK(planned);
  REQUIRE(planned->has_value());
  const StreamedEntry* file = nullptr;
  for (const StreamedEntry& e : **planned) {
    if (e.entry.type == snapshotter::EntryType::kRegular) file = &e;
  }
  REQUIRE(file != nullptr);
  f.Ctx("a.txt", "longer now");
  auto opened = OpenStreamedContent(*context, *file);
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.status().message().find("changed while it was copied") != std::string::npos);
}

}  // namespace
}  // namespace mybuild::fileops

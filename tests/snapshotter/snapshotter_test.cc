// Snapshotters (overlay and native): prepare/commit/view/remove, diffs, round trips through a tar,
// native-vs-overlay diff equality and a 120-layer overlay chain.
#include "snapshotter/snapshotter.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <functional>
#include <filesystem>
#include <memory>
#include <string>

#include "snapshotter/diff.h"
#include "snapshotter/layer_apply.h"
#include "snapshotter/rootfs.h"
#include "snapshotter/scoped_mount.h"
#include "nlohmann/json.hpp"
#include "src/base/files.h"
#include "src/base/temp_dir.h"
#include "tests/snapshotter/tar_builder.h"
#include "tests/test_support.h"

namespace mybuild::snapshotter {
namespace {

namespace fs = std::filesystem;
using testing::TarBuilder;

std::string Slurp(const fs::path& p) {
  UniqueFd fd(::open(p.c_str(), O_RDONLY | O_CLOEXEC));
  std::string out;
  char buf[4096];
  ssize_t n;
  while (fd && (n = ::read(fd.get(), buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  return out;
}

// Writes layer entries as a tar (what the image module's writer does, minimally) for round trips.
std::string EntriesToTar(const std::vector<LayerEntry>& entries) {
  TarBuilder t;
  for (const auto& e : entries) {
    testing::TarOpts o;
    o.mode = e.mode;
    o.uid = e.uid;
    o.gid = e.gid;
    o.mtime = e.mtime.seconds;
    o.xattrs = e.xattrs;
    switch (e.type) {
      case EntryType::kRegular: {
        auto fd = OpenEntryContent(e);
        REQUIRE(fd.ok());
        t.File(e.path, Slurp(e.source), o);
        break;
      }
      case EntryType::kDirectory: t.Dir(e.path, o); break;
      case EntryType::kSymlink: t.Symlink(e.path, e.linkname, o); break;
      case EntryType::kHardlink: t.Hardlink(e.path, e.linkname, o); break;
      case EntryType::kFifo: t.Fifo(e.path, o); break;
      case EntryType::kCharDevice: t.Device(e.path, true, e.devmajor, e.devminor, o); break;
      case EntryType::kBlockDevice: t.Device(e.path, false, e.devmajor, e.devminor, o); break;
      case EntryType::kWhiteout: t.File(e.path, "", {}); break;
    }
  }
  return t.Build();
}

Status ApplyString(const RootFs& root, const std::string& tar, const fs::path& scratch) {
  fs::path p = scratch / "apply.tar";
  {
    UniqueFd fd(::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (::write(fd.get(), tar.data(), tar.size()) != static_cast<ssize_t>(tar.size())) return Internal("write");
  }
  auto r = ApplyLayerFile(root, p);
  fs::remove(p);
  return r.status();
}

// A listing of a tree (names, types, modes, owners, file contents, link targets), for comparisons.
std::string Listing(const fs::path& root) {
  std::vector<std::string> lines;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::end(it); ++it) {
    struct stat st {};
    ::lstat(it->path().c_str(), &st);
    std::string line = fs::relative(it->path(), root).string() + " " + std::to_string(st.st_mode) + " " +
                       std::to_string(st.st_uid) + ":" + std::to_string(st.st_gid);
    if (S_ISREG(st.st_mode)) line += " " + Slurp(it->path()) + " nlink=" + std::to_string(st.st_nlink);
    if (S_ISLNK(st.st_mode)) line += " -> " + fs::read_symlink(it->path()).string();
    lines.push_back(line);
  }
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

struct Fixture {
  TempDir tmp;
  std::unique_ptr<Snapshotter> snap;
  bool overlay = false;
  int mounts = 0;

  static std::optional<Fixture> Make(bool overlay, std::string* skip) {
    auto t = TempDir::Create({}, "snapshots-");
    REQUIRE(t.ok());
    Fixture f;
    f.tmp = std::move(t).value();
    f.overlay = overlay;
    auto s = overlay ? NewOverlaySnapshotter(f.tmp.path() / "state") : NewNativeSnapshotter(f.tmp.path() / "state");
    if (!s.ok()) {
      if (overlay && s.status().code() == StatusCode::kFailedPrecondition) {
        *skip = s.status().message();
        return std::nullopt;
      }
      FAIL(s.status().ToString());
    }
    f.snap = std::move(s).value();
    return f;
  }

  fs::path NewMountPoint() {
    fs::path p = tmp.path() / ("mnt" + std::to_string(mounts++));
    fs::create_directories(p);
    return p;
  }

  ScopedMount MountKey(const std::vector<Mount>& m, const fs::path& at) {
    auto sm = ScopedMount::MountAll(m, at);
    REQUIRE_MESSAGE(sm.ok(), sm.status().ToString());
    return std::move(sm).value();
  }

  // Prepare on parent, let `change` modify the mounted rootfs, return the key (still active).
  template <typename F>
  void Build(const std::string& key, const std::string& parent, F change) {
    auto m = snap->Prepare(key, parent);
    REQUIRE_MESSAGE(m.ok(), m.status().ToString());
    fs::path at = NewMountPoint();
    auto mounted = MountSnapshot(*snap, key, at);
    REQUIRE_MESSAGE(mounted.ok(), mounted.status().ToString());
    ScopedMount sm = std::move(mounted).value();
    auto root = RootFs::Open(at);
    REQUIRE(root.ok());
    change(*root, at);
    REQUIRE(sm.Unmount().ok());
  }
};

void BaseContent(const RootFs& root, const fs::path& at) {
  std::string tar = TarBuilder()
                        .Dir("a")
                        .File("a/x", "x1")
                        .File("a/y", "y1")
                        .File("a/same", "unchanged")
                        .Dir("bin")
                        .File("bin/dash", "dash")
                        .Symlink("bin/sh", "dash")
                        .File("d/old", "old")
                        .File("d/sub/deep", "deep")
                        .File("etc/passwd", "root:x:0:0::/:/bin/sh\n")
                        .Build();
  REQUIRE(ApplyString(root, tar, at.parent_path()).ok());
}

// The same change, applied through RootFs on whichever snapshotter is mounted.
void CommonChange(const RootFs& root, const fs::path& at) {
  auto fd = root.WriteFile("a/x", -1, 0640, Ownership{1, 2});
  REQUIRE(fd.ok());
  REQUIRE(::write(fd->get(), "x2", 2) == 2);
  REQUIRE(root.RemoveAll("a/y").ok());
  REQUIRE(root.RemoveAll("d/sub").ok());
  REQUIRE(root.Chmod("bin/dash", 0755).ok());
  REQUIRE(root.Symlink("bash", "bin/sh").ok());
  REQUIRE(root.MkdirAll("n/m", 0700).ok());
  auto h = root.WriteFile("n/m/h1", -1, 0644);
  REQUIRE(h.ok());
  REQUIRE(::write(h->get(), "shared", 6) == 6);
  REQUIRE(root.Hardlink("n/m/h1", "n/m/h2").ok());
  REQUIRE(root.Mknod("n/fifo", S_IFIFO | 0600, 0).ok());
  for (const char* p : {"a/x", "bin/dash", "bin/sh", "n/m/h1", "n/fifo"}) {
    REQUIRE(root.SetMtime(p, Timestamp{1600000000, 0}).ok());
  }
}

std::string Describe(std::vector<LayerEntry> entries) {
  std::string out;
  for (auto& e : entries) {
    std::string d = DescribeEntry(e);
    if (e.type != EntryType::kDirectory && e.type != EntryType::kWhiteout) d += " mtime=" + std::to_string(e.mtime.seconds);
    out += d + "\n";
  }
  return out;
}

std::vector<LayerEntry> ScenarioDiff(Fixture& f) {
  f.Build("base-active", "", BaseContent);
  REQUIRE(f.snap->Commit("base", "base-active").ok());
  f.Build("work", "base", CommonChange);
  auto diff = f.snap->Diff("work");
  REQUIRE_MESSAGE(diff.ok(), diff.status().ToString());
  return std::move(diff).value();
}

const char* kExpected =
    "dir a 0755 0:0\n"
    "whiteout a/.wh.y 0000 0:0\n"
    "file a/x 0640 1:2 size=2 mtime=1600000000\n"
    "dir bin 0755 0:0\n"
    "file bin/dash 0755 0:0 size=4 mtime=1600000000\n"
    "symlink bin/sh 0777 0:0 -> bash mtime=1600000000\n"
    "dir d 0755 0:0\n"
    "whiteout d/.wh.sub 0000 0:0\n"
    "dir n 0700 0:0\n"
    "fifo n/fifo 0600 0:0 mtime=1600000000\n"
    "dir n/m 0700 0:0\n"
    "file n/m/h1 0644 0:0 size=6 mtime=1600000000\n"
    "hardlink n/m/h2 0644 0:0 -> n/m/h1 mtime=1600000000\n";

void RoundTrip(Fixture& f, const std::vector<LayerEntry>& diff, bool common_change = true) {
  // Applying the diff to a fresh copy of the base must give the same tree as the snapshot.
  auto m = f.snap->Prepare("replay", "base");
  REQUIRE(m.ok());
  fs::path at = f.NewMountPoint();
  ScopedMount sm = f.MountKey(*m, at);
  auto root = RootFs::Open(at);
  REQUIRE(root.ok());
  REQUIRE(ApplyString(*root, EntriesToTar(diff), f.tmp.path()).ok());
  std::string replayed = Listing(at);
  REQUIRE(sm.Unmount().ok());

  REQUIRE(f.snap->Commit("top", "work").ok());
  auto v = f.snap->View("view", "top");
  REQUIRE_MESSAGE(v.ok(), v.status().ToString());
  fs::path vat = f.NewMountPoint();
  ScopedMount vm = f.MountKey(*v, vat);
  CHECK(Listing(vat) == replayed);
  if (common_change) {
    CHECK(Slurp(vat / "a/x") == "x2");
    CHECK_FALSE(fs::exists(vat / "a/y"));
  }
  CHECK(::open((vat / "newfile").c_str(), O_WRONLY | O_CREAT, 0644) < 0);  // views are read-only
}

TEST_CASE("native snapshotter: diff and round trip") {
  std::string skip;
  auto f = Fixture::Make(false, &skip);
  REQUIRE(f);
  auto diff = ScenarioDiff(*f);
  CHECK(Describe(diff) == kExpected);
  RoundTrip(*f, diff);
}

TEST_CASE("overlay snapshotter: diff and round trip") {
  std::string skip;
  auto f = Fixture::Make(true, &skip);
  if (!f) MYBUILD_SKIP("overlayfs unavailable: " + skip);
  auto diff = ScenarioDiff(*f);
  CHECK(Describe(diff) == kExpected);
  RoundTrip(*f, diff);
}

TEST_CASE("native and overlay diffs are equal for the same change") {
  std::string skip;
  auto o = Fixture::Make(true, &skip);
  if (!o) MYBUILD_SKIP("overlayfs unavailable: " + skip);
  auto n = Fixture::Make(false, &skip);
  REQUIRE(n);
  auto od = ScenarioDiff(*o);
  auto nd = ScenarioDiff(*n);
  REQUIRE(od.size() == nd.size());
  for (size_t i = 0; i < od.size(); ++i) {
    LayerEntry a = od[i], b = nd[i];
    a.source.clear();
    b.source.clear();
    if (a.type == EntryType::kDirectory) a.mtime = b.mtime;  // directory mtimes record when, not what
    CHECK_MESSAGE(a == b, DescribeEntry(a) << " vs " << DescribeEntry(b));
  }
}

TEST_CASE("overlay: a recreated directory becomes opaque and round-trips") {
  std::string skip;
  auto f = Fixture::Make(true, &skip);
  if (!f) MYBUILD_SKIP("overlayfs unavailable: " + skip);
  f->Build("base-active", "", BaseContent);
  REQUIRE(f->snap->Commit("base", "base-active").ok());
  f->Build("work", "base", [](const RootFs& root, const fs::path& at) {
    REQUIRE(::system(("rm -rf " + (at / "d").string() + " && mkdir " + (at / "d").string() + " && echo new > " +
                      (at / "d/new").string()).c_str()) == 0);
  });
  auto diff = f->snap->Diff("work");
  REQUIRE(diff.ok());
  std::vector<std::string> paths;
  for (const auto& e : *diff) paths.push_back(e.path);
  CHECK(paths == std::vector<std::string>{"d", "d/.wh..wh..opq", "d/new"});
  RoundTrip(*f, *diff, false);
}

TEST_CASE("snapshot metadata: errors, remove, persistence, cleanup") {
  std::string skip;
  auto f = Fixture::Make(false, &skip);
  REQUIRE(f);
  auto& s = *f->snap;
  CHECK(s.Prepare("a", "missing").status().code() == StatusCode::kNotFound);
  REQUIRE(s.Prepare("a", "").ok());
  CHECK(s.Prepare("a", "").status().code() == StatusCode::kAlreadyExists);
  CHECK(s.Prepare("b", "a").status().code() == StatusCode::kFailedPrecondition);  // parent not committed
  REQUIRE(s.Commit("c", "a").ok());
  CHECK(s.Stat("a").status().code() == StatusCode::kNotFound);
  CHECK(s.Stat("c")->kind == SnapshotKind::kCommitted);
  CHECK(s.Mounts("c").status().code() == StatusCode::kFailedPrecondition);
  REQUIRE(s.Prepare("child", "c").ok());
  CHECK(s.Remove("c").code() == StatusCode::kFailedPrecondition);
  REQUIRE(s.Remove("child").ok());
  REQUIRE(s.Remove("c").ok());
  struct stat st {};
  REQUIRE(::stat((f->tmp.path() / "state").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
  // A leftover directory from a crash is cleaned up; metadata survives a new instance.
  REQUIRE(s.Prepare("keep", "").ok());
  fs::create_directories(f->tmp.path() / "state/snapshots/999/fs");
  auto again = NewNativeSnapshotter(f->tmp.path() / "state");
  REQUIRE(again.ok());
  REQUIRE((*again)->Cleanup().ok());
  CHECK_FALSE(fs::exists(f->tmp.path() / "state/snapshots/999"));
  CHECK((*again)->Stat("keep").ok());
}

// Rewrites the unsynced records of ROOT/metadata.json with `edit` (the boot id and commit time).
void EditUnsynced(const fs::path& root, const std::function<void(nlohmann::json&)>& edit) {
  nlohmann::json md = nlohmann::json::parse(Slurp(root / "metadata.json"));
  for (auto& [key, record] : md["snapshots"].items()) {
    if (record.contains("synced")) edit(record);
  }
  REQUIRE(WriteFileAtomically(root / "metadata.json", md.dump(), 0600).ok());
}

TEST_CASE("snapshot durability: unsynced commits are forgotten after a restart and synced when settled") {
  std::string skip;
  auto f = Fixture::Make(false, &skip);
  REQUIRE(f);
  const fs::path root = f->tmp.path() / "state";
  auto& s = *f->snap;
  REQUIRE(s.Prepare("a", "").ok());
  REQUIRE(s.Commit("base", "a").ok());
  REQUIRE(s.Prepare("b", "base").ok());
  REQUIRE(s.Commit("top", "b").ok());
  REQUIRE(s.Prepare("c", "").ok());
  REQUIRE(s.Commit("other", "c").ok());
  nlohmann::json md = nlohmann::json::parse(Slurp(root / "metadata.json"));
  CHECK(md["snapshots"]["base"]["synced"] == false);
  CHECK_FALSE(md["snapshots"]["base"]["boot_id"].get<std::string>().empty());
  const std::string base_id = md["snapshots"]["base"]["id"];
  const std::string top_id = md["snapshots"]["top"]["id"];

  SUBCASE("this boot, settled: synced by the next open") {
    EditUnsynced(root, [](nlohmann::json& r) { r["committed_at"] = r["committed_at"].get<int64_t>() - 60; });
    auto again = NewNativeSnapshotter(root);
    REQUIRE(again.ok());
    nlohmann::json after = nlohmann::json::parse(Slurp(root / "metadata.json"));
    CHECK_FALSE(after["snapshots"]["base"].contains("synced"));
    CHECK_FALSE(after["snapshots"]["top"].contains("synced"));
  }
  SUBCASE("this boot, recent: left for later") {
    auto again = NewNativeSnapshotter(root);
    REQUIRE(again.ok());
    CHECK(nlohmann::json::parse(Slurp(root / "metadata.json"))["snapshots"]["base"]["synced"] == false);
  }
  SUBCASE("an earlier boot: forgotten with what is on top, files removed") {
    EditUnsynced(root, [](nlohmann::json& r) {
      if (r["id"] == "1") r["boot_id"] = "an-earlier-boot";  // only "base"
    });
    REQUIRE(base_id == "1");
    auto again = NewNativeSnapshotter(root);
    REQUIRE(again.ok());
    CHECK((*again)->Stat("base").status().code() == StatusCode::kNotFound);
    CHECK((*again)->Stat("top").status().code() == StatusCode::kNotFound);
    CHECK((*again)->Stat("other").ok());
    CHECK_FALSE(fs::exists(root / "snapshots" / base_id));
    CHECK_FALSE(fs::exists(root / "snapshots" / top_id));
  }
}

TEST_CASE("ScopedMount unmounts on destruction") {
  auto t = TempDir::Create({}, "mnt-");
  REQUIRE(t.ok());
  fs::create_directories(t->path() / "src");
  fs::create_directories(t->path() / "dst");
  { UniqueFd fd(::open((t->path() / "src/f").c_str(), O_WRONLY | O_CREAT, 0644)); }
  {
    auto m = ScopedMount::MountAll({{"bind", (t->path() / "src").string(), {"ro"}}}, t->path() / "dst");
    if (!m.ok() && m.status().message().find("Operation not permitted") != std::string::npos) {
      MYBUILD_SKIP("mount not permitted");
    }
    REQUIRE_MESSAGE(m.ok(), m.status().ToString());
    CHECK(fs::exists(t->path() / "dst/f"));
  }
  CHECK_FALSE(fs::exists(t->path() / "dst/f"));
}

void DeepChain();

TEST_CASE("overlay: a 120-layer chain mounts (fsconfig lowerdir+)") { DeepChain(); }

TEST_CASE("overlay: a 120-layer chain mounts (mount(2) with relative lower dirs)") {
  ForceLegacyOverlayMountForTesting(true);
  DeepChain();
  ForceLegacyOverlayMountForTesting(false);
}

void DeepChain() {
  std::string skip;
  auto f = Fixture::Make(true, &skip);
  if (!f) MYBUILD_SKIP("overlayfs unavailable: " + skip);
  constexpr int kLayers = 120;
  std::string parent;
  for (int i = 0; i < kLayers; ++i) {
    std::string key = "active-" + std::to_string(i);
    f->Build(key, parent, [i](const RootFs& root, const fs::path&) {
      auto fd = root.WriteFile("layer" + std::to_string(i), -1, 0644);
      REQUIRE(fd.ok());
      if (i > 0) REQUIRE(root.RemoveAll("layer" + std::to_string(i - 1) + "-gone").ok());
      auto g = root.WriteFile("layer" + std::to_string(i) + "-gone", -1, 0644);
      REQUIRE(g.ok());
    });
    parent = "layer-" + std::to_string(i);
    REQUIRE(f->snap->Commit(parent, key).ok());
  }
  auto m = f->snap->Prepare("top", parent);
  REQUIRE(m.ok());
  size_t option_bytes = 0;
  for (const auto& o : (*m)[0].options) option_bytes += o.size() + 1;
  CHECK(option_bytes > 4096);  // past the legacy mount data page
  fs::path at = f->NewMountPoint();
  ScopedMount sm = f->MountKey(*m, at);
  for (int i = 0; i < kLayers; ++i) CHECK(fs::exists(at / ("layer" + std::to_string(i))));
  for (int i = 0; i + 1 < kLayers; ++i) CHECK_FALSE(fs::exists(at / ("layer" + std::to_string(i) + "-gone")));
  CHECK(fs::exists(at / ("layer" + std::to_string(kLayers - 1) + "-gone")));
  REQUIRE(sm.Unmount().ok());
  // The top layer's diff is computed against the merged 119 layers below it.
  auto diff = f->snap->Diff(parent);
  REQUIRE_MESSAGE(diff.ok(), diff.status().ToString());
  std::vector<std::string> paths;
  for (const auto& e : *diff) paths.push_back(e.path);
  CHECK(paths == std::vector<std::string>{".wh.layer118-gone", "layer119", "layer119-gone"});
}

}  // namespace
}  // namespace mybuild::snapshotter

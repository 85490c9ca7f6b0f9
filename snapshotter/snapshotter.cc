// Both snapshotters share the metadata handling; they differ in how a snapshot's files are laid out
// (overlay: only its own upper dir; native: a full copy) and therefore in mounts and diffs.
#include "snapshotter/snapshotter.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ctime>
#include <map>
#include <set>

#include "fmt/format.h"
#include "nlohmann/json.hpp"
#include "snapshotter/diff.h"
#include "snapshotter/overlay_options.h"
#include "snapshotter/rootfs.h"
#include "snapshotter/tree_copy.h"
#include "src/base/dir_names.h"
#include "src/base/files.h"
#include "src/base/logging.h"
#include "src/base/temp_dir.h"
#include "src/base/unique_fd.h"

namespace mybuild::snapshotter {
namespace {

constexpr size_t kMaxKeyBytes = 512;
constexpr uint64_t kMaxMetadataBytes = 64ull << 20;

const char* KindName(SnapshotKind k) {
  switch (k) {
    case SnapshotKind::kActive: return "active";
    case SnapshotKind::kView: return "view";
    case SnapshotKind::kCommitted: return "committed";
  }
  return "?";
}

struct Record {
  uint64_t id = 0;
  SnapshotKind kind = SnapshotKind::kActive;
  std::string parent;
  // A committed snapshot whose files may still be only in the page cache: committed in boot `boot_id` at
  // `committed_at` (seconds), not yet covered by a syncfs.
  bool synced = true;
  std::string boot_id;
  int64_t committed_at = 0;
};

// Unsynced snapshots at least this old are synced by the next snapshotter that opens the root: by then the
// kernel has written most of their data back (its default dirty_expire is 30 s), so the syncfs is cheap.
constexpr int64_t kSettleSeconds = 30;

// This boot of the machine (/proc/sys/kernel/random/boot_id); "" when unknown.
std::string CurrentBootId() {
  static const std::string boot_id = [] {
    StatusOr<std::string> text = ReadFile("/proc/sys/kernel/random/boot_id", 256);
    if (!text.ok()) return std::string();
    std::string id = *text;
    while (!id.empty() && (id.back() == '\n' || id.back() == ' ')) id.pop_back();
    return id;
  }();
  return boot_id;
}

struct Metadata {
  uint64_t next_id = 1;
  std::map<std::string, Record> snapshots;
};

Status EnsureDir(const std::filesystem::path& dir, mode_t mode) {
  if (::mkdir(dir.c_str(), mode) != 0 && errno != EEXIST) return ErrnoError(fmt::format("mkdir {}", dir.string()));
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return FailedPrecondition(fmt::format("{} is not a directory", dir.string()));
  }
  if ((st.st_mode & 07777) != mode && ::chmod(dir.c_str(), mode) != 0) {
    return ErrnoError(fmt::format("chmod {}", dir.string()));
  }
  return Status::Ok();
}

// An overlay mount with `options` and mybuild's overlay features (overlay_options.h).
Mount OverlayMount(std::vector<std::string> options) {
  for (std::string& feature : OverlayFeatureOptions()) options.push_back(std::move(feature));
  return Mount{"overlay", "overlay", std::move(options)};
}

Status ValidKey(const std::string& key) {
  if (key.empty() || key.size() > kMaxKeyBytes) {
    return InvalidArgument(fmt::format("snapshot key must be 1..{} bytes, got {}", kMaxKeyBytes, key.size()));
  }
  return Status::Ok();
}

class FsSnapshotter : public Snapshotter {
 public:
  FsSnapshotter(std::filesystem::path root, bool overlay) : root_(std::move(root)), overlay_(overlay) {}

  Status Init() {
    std::string r = root_.string();
    if (r.find(':') != std::string::npos || r.find(',') != std::string::npos) {
      return InvalidArgument(fmt::format("snapshot root {} must not contain ':' or ','", r));
    }
    MB_RETURN_IF_ERROR(EnsureDir(root_, 0700));
    MB_RETURN_IF_ERROR(EnsureDir(root_ / "snapshots", 0700));
    MB_RETURN_IF_ERROR(EnsureDir(root_ / "tmp", 0700));
    return SettleUnsynced();
  }

  StatusOr<std::vector<Mount>> Prepare(const std::string& key, const std::string& parent) override {
    MB_RETURN_IF_ERROR(Create(key, parent, SnapshotKind::kActive));
    return Mounts(key);
  }

  StatusOr<std::vector<Mount>> View(const std::string& key, const std::string& parent) override {
    MB_RETURN_IF_ERROR(Create(key, parent, SnapshotKind::kView));
    return Mounts(key);
  }

  StatusOr<std::vector<Mount>> Mounts(const std::string& key) override {
    MB_ASSIGN_OR_RETURN(UniqueFd lock, Lock());
    MB_ASSIGN_OR_RETURN(Metadata md, Load());
    auto it = md.snapshots.find(key);
    if (it == md.snapshots.end()) return NotFound(fmt::format("snapshot \"{}\" does not exist", key));
    const Record& rec = it->second;
    if (rec.kind == SnapshotKind::kCommitted) {
      return FailedPrecondition(fmt::format("snapshot \"{}\" is committed; make a View or Prepare on it", key));
    }
    MB_ASSIGN_OR_RETURN(std::vector<uint64_t> chain, Chain(md, rec.parent));
    const std::string fs = FsDir(rec.id).string();
    if (rec.kind == SnapshotKind::kActive) {
      if (!overlay_ || chain.empty()) return std::vector<Mount>{{"bind", fs, {"rw"}}};
      return std::vector<Mount>{
          OverlayMount({LowerOption(chain), "upperdir=" + fs, "workdir=" + WorkDir(rec.id).string()})};
    }
    if (chain.empty()) return std::vector<Mount>{{"bind", fs, {"ro"}}};
    if (!overlay_ || chain.size() == 1) return std::vector<Mount>{{"bind", FsDir(chain[0]).string(), {"ro"}}};
    return std::vector<Mount>{OverlayMount({LowerOption(chain)})};
  }

  Status Commit(const std::string& name, const std::string& key) override {
    MB_RETURN_IF_ERROR(ValidKey(name));
    uint64_t id = 0;
    {
      MB_ASSIGN_OR_RETURN(UniqueFd lock, Lock());
      MB_ASSIGN_OR_RETURN(Metadata md, Load());
      auto it = md.snapshots.find(key);
      if (it == md.snapshots.end()) return NotFound(fmt::format("snapshot \"{}\" does not exist", key));
      if (it->second.kind != SnapshotKind::kActive) {
        return FailedPrecondition(fmt::format("snapshot \"{}\" is {}, only active snapshots can be committed", key,
                                              KindName(it->second.kind)));
      }
      if (md.snapshots.count(name)) return AlreadyExists(fmt::format("snapshot \"{}\" already exists", name));
      Record rec = it->second;
      id = rec.id;
      // The files need not be on disk yet (SettleUnsynced): a build does not wait for the disk, and a
      // snapshot that a power loss may have torn is forgotten after the restart and made again from its
      // layers. Without a boot id to tell restarts apart, the content is synced now.
      rec.boot_id = CurrentBootId();
      rec.synced = rec.boot_id.empty();
      rec.committed_at = static_cast<int64_t>(std::time(nullptr));
      if (rec.synced) {
        UniqueFd fs(::open(FsDir(id).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (fs) ::syncfs(fs.get());
      }
      rec.kind = SnapshotKind::kCommitted;
      md.snapshots.erase(it);
      md.snapshots[name] = rec;
      MB_RETURN_IF_ERROR(Save(md));
    }
    if (overlay_) {
      UniqueFd dir(::open(IdDir(id).c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
      if (dir) RemoveAllAt(dir.get(), "work").IgnoreError();
    }
    return Status::Ok();
  }

  Status Remove(const std::string& key) override {
    uint64_t id = 0;
    {
      MB_ASSIGN_OR_RETURN(UniqueFd lock, Lock());
      MB_ASSIGN_OR_RETURN(Metadata md, Load());
      auto it = md.snapshots.find(key);
      if (it == md.snapshots.end()) return NotFound(fmt::format("snapshot \"{}\" does not exist", key));
      for (const auto& [k, r] : md.snapshots) {
        if (r.parent == key) {
          return FailedPrecondition(fmt::format("snapshot \"{}\" is the parent of \"{}\"", key, k));
        }
      }
      id = it->second.id;
      md.snapshots.erase(it);
      MB_RETURN_IF_ERROR(Save(md));
    }
    UniqueFd dir(::open((root_ / "snapshots").c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!dir) return ErrnoError("open snapshots dir");
    return RemoveAllAt(dir.get(), std::to_string(id));
  }

  StatusOr<SnapshotInfo> Stat(const std::string& key) override {
    MB_ASSIGN_OR_RETURN(UniqueFd lock, Lock());
    MB_ASSIGN_OR_RETURN(Metadata md, Load());
    auto it = md.snapshots.find(key);
    if (it == md.snapshots.end()) return NotFound(fmt::format("snapshot \"{}\" does not exist", key));
    return InfoOf(md, key, it->second);
  }

  StatusOr<std::vector<SnapshotInfo>> List() override {
    MB_ASSIGN_OR_RETURN(UniqueFd lock, Lock());
    MB_ASSIGN_OR_RETURN(Metadata md, Load());
    std::vector<SnapshotInfo> out;
    for (const auto& [key, record] : md.snapshots) out.push_back(InfoOf(md, key, record));
    return out;
  }

  StatusOr<std::vector<LayerEntry>> Diff(const std::string& key) override {
    std::vector<uint64_t> chain;
    uint64_t id = 0;
    {
      MB_ASSIGN_OR_RETURN(UniqueFd lock, Lock());
      MB_ASSIGN_OR_RETURN(Metadata md, Load());
      auto it = md.snapshots.find(key);
      if (it == md.snapshots.end()) return NotFound(fmt::format("snapshot \"{}\" does not exist", key));
      if (it->second.kind == SnapshotKind::kView) return FailedPrecondition(fmt::format("snapshot \"{}\" is a view", key));
      id = it->second.id;
      MB_ASSIGN_OR_RETURN(chain, Chain(md, it->second.parent));
    }
    if (!overlay_) return DiffTrees(chain.empty() ? std::filesystem::path() : FsDir(chain[0]), FsDir(id));
    if (chain.size() <= 1) {
      return DiffOverlayUpper(FsDir(id), chain.empty() ? std::filesystem::path() : FsDir(chain[0]));
    }
    MB_ASSIGN_OR_RETURN(TempDir mnt, TempDir::Create(root_ / "tmp", "diff-"));
    Mount lower = OverlayMount({LowerOption(chain)});
    MB_ASSIGN_OR_RETURN(ScopedMount mounted, ScopedMount::MountAll({lower}, mnt.path()));
    auto entries = DiffOverlayUpper(FsDir(id), mnt.path());
    MB_RETURN_IF_ERROR(mounted.Unmount());
    return entries;
  }

  Status Cleanup() override {
    MB_ASSIGN_OR_RETURN(UniqueFd lock, Lock());
    MB_ASSIGN_OR_RETURN(Metadata md, Load());
    std::set<std::string> known;
    for (const auto& [k, r] : md.snapshots) known.insert(std::to_string(r.id));
    UniqueFd dir(::open((root_ / "snapshots").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir) return ErrnoError("open snapshots dir");
    MB_ASSIGN_OR_RETURN(std::vector<std::string> stale, DirectoryNames(dir.get(), "snapshots"));
    std::erase_if(stale, [&](const std::string& n) { return known.count(n) > 0; });
    for (const auto& n : stale) MB_RETURN_IF_ERROR(RemoveAllAt(dir.get(), n));
    return Status::Ok();
  }

 private:
  // Committed snapshots that were not synced before the machine restarted may have lost data: they are
  // forgotten, with every snapshot on top of them. Those of this boot older than kSettleSeconds are
  // synced (one syncfs) and marked so.
  Status SettleUnsynced() {
    const std::string boot = CurrentBootId();
    if (boot.empty()) return Status::Ok();
    std::set<std::string> settled;
    {
      MB_ASSIGN_OR_RETURN(UniqueFd lock, Lock());
      MB_ASSIGN_OR_RETURN(Metadata md, Load());
      std::set<std::string> lost;
      for (const auto& [key, r] : md.snapshots) {
        if (r.synced) continue;
        if (r.boot_id != boot) {
          lost.insert(key);
        } else if (std::time(nullptr) - r.committed_at >= kSettleSeconds) {
          settled.insert(key);
        }
      }
      if (!lost.empty()) MB_RETURN_IF_ERROR(ForgetWithDescendants(md, lost));
    }
    if (settled.empty()) return Status::Ok();
    UniqueFd root(::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!root || ::syncfs(root.get()) != 0) return ErrnoError("syncfs " + root_.string());
    MB_ASSIGN_OR_RETURN(UniqueFd lock, Lock());
    MB_ASSIGN_OR_RETURN(Metadata md, Load());
    for (const std::string& key : settled) {
      auto it = md.snapshots.find(key);
      if (it != md.snapshots.end()) it->second.synced = true;
    }
    return Save(md);
  }

  // Removes the snapshots `keys` and every snapshot whose parent chain reaches one of them (lock held).
  Status ForgetWithDescendants(Metadata& md, std::set<std::string> keys) {
    for (bool grew = true; grew;) {
      grew = false;
      for (const auto& [key, r] : md.snapshots) {
        if (!keys.count(key) && keys.count(r.parent)) {
          keys.insert(key);
          grew = true;
        }
      }
    }
    std::vector<uint64_t> ids;
    for (const std::string& key : keys) {
      ids.push_back(md.snapshots.at(key).id);
      md.snapshots.erase(key);
    }
    MB_RETURN_IF_ERROR(Save(md));
    spdlog::warn("{} snapshot(s) committed before the machine restarted may be incomplete; they are made "
                 "again when needed", ids.size());
    UniqueFd dir(::open((root_ / "snapshots").c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!dir) return ErrnoError("open snapshots dir");
    for (uint64_t id : ids) MB_RETURN_IF_ERROR(RemoveAllAt(dir.get(), std::to_string(id)));
    return Status::Ok();
  }

  SnapshotInfo InfoOf(const Metadata& md, const std::string& key, const Record& record) const {
    SnapshotInfo info{key, record.kind, record.parent, FsDir(record.id)};
    if (!overlay_ && record.kind == SnapshotKind::kView && !record.parent.empty()) {
      auto parent = md.snapshots.find(record.parent);
      if (parent != md.snapshots.end()) info.dir = FsDir(parent->second.id);
    }
    return info;
  }

  std::filesystem::path IdDir(uint64_t id) const { return root_ / "snapshots" / std::to_string(id); }
  std::filesystem::path FsDir(uint64_t id) const { return IdDir(id) / "fs"; }
  std::filesystem::path WorkDir(uint64_t id) const { return IdDir(id) / "work"; }

  std::string LowerOption(const std::vector<uint64_t>& chain) const {
    std::string out = "lowerdir=";
    for (size_t i = 0; i < chain.size(); ++i) {
      if (i) out += ':';
      out += FsDir(chain[i]).string();
    }
    return out;
  }

  // Committed ids from `parent` down to the base, top first.
  StatusOr<std::vector<uint64_t>> Chain(const Metadata& md, std::string parent) const {
    std::vector<uint64_t> out;
    while (!parent.empty()) {
      auto it = md.snapshots.find(parent);
      if (it == md.snapshots.end()) return DataLoss(fmt::format("parent snapshot \"{}\" is missing", parent));
      out.push_back(it->second.id);
      if (out.size() > md.snapshots.size()) return DataLoss("snapshot parent chain has a cycle");
      parent = it->second.parent;
    }
    return out;
  }

  Status Create(const std::string& key, const std::string& parent, SnapshotKind kind) {
    MB_RETURN_IF_ERROR(ValidKey(key));
    MB_ASSIGN_OR_RETURN(UniqueFd lock, Lock());
    MB_ASSIGN_OR_RETURN(Metadata md, Load());
    if (md.snapshots.count(key)) return AlreadyExists(fmt::format("snapshot \"{}\" already exists", key));
    if (!parent.empty()) {
      auto it = md.snapshots.find(parent);
      if (it == md.snapshots.end()) return NotFound(fmt::format("parent snapshot \"{}\" does not exist", parent));
      if (it->second.kind != SnapshotKind::kCommitted) {
        return FailedPrecondition(fmt::format("parent snapshot \"{}\" is not committed", parent));
      }
    }
    uint64_t id = md.next_id++;
    std::filesystem::path dir = IdDir(id);
    MB_RETURN_IF_ERROR(EnsureDir(dir, 0700));
    MB_RETURN_IF_ERROR(EnsureDir(FsDir(id), 0755));
    if (overlay_ && kind == SnapshotKind::kActive) MB_RETURN_IF_ERROR(EnsureDir(WorkDir(id), 0700));
    if (!overlay_ && kind == SnapshotKind::kActive && !parent.empty()) {
      Status copied = CopyTree(FsDir(md.snapshots.at(parent).id), FsDir(id));
      if (!copied.ok()) {
        UniqueFd snaps(::open((root_ / "snapshots").c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
        if (snaps) RemoveAllAt(snaps.get(), std::to_string(id)).IgnoreError();
        return copied;
      }
    }
    Record record;
    record.id = id;
    record.kind = kind;
    record.parent = parent;
    md.snapshots[key] = record;
    return Save(md);
  }

  StatusOr<UniqueFd> Lock() const {
    UniqueFd fd(::open((root_ / "lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    if (!fd) return ErrnoError(fmt::format("open {}", (root_ / "lock").string()));
    while (::flock(fd.get(), LOCK_EX) != 0) {
      if (errno != EINTR) return ErrnoError("flock snapshot metadata");
    }
    return fd;
  }

  StatusOr<Metadata> Load() const {
    Metadata md;
    std::filesystem::path p = root_ / "metadata.json";
    if (!std::filesystem::exists(p)) return md;
    MB_ASSIGN_OR_RETURN(std::string text, ReadFile(p, kMaxMetadataBytes));
    try {
      auto j = nlohmann::json::parse(text);
      if (j.at("version").get<int>() != 1) return DataLoss(fmt::format("{}: unknown version", p.string()));
      md.next_id = j.at("next_id").get<uint64_t>();
      for (const auto& [key, v] : j.at("snapshots").items()) {
        Record r;
        r.id = std::stoull(v.at("id").get<std::string>());
        std::string kind = v.at("kind").get<std::string>();
        if (kind == "active") r.kind = SnapshotKind::kActive;
        else if (kind == "view") r.kind = SnapshotKind::kView;
        else if (kind == "committed") r.kind = SnapshotKind::kCommitted;
        else return DataLoss(fmt::format("{}: snapshot \"{}\" has unknown kind \"{}\"", p.string(), key, kind));
        r.parent = v.at("parent").get<std::string>();
        if (v.contains("synced")) {
          r.synced = v.at("synced").get<bool>();
          r.boot_id = v.at("boot_id").get<std::string>();
          r.committed_at = v.at("committed_at").get<int64_t>();
        }
        md.snapshots[key] = r;
      }
    } catch (const std::exception& e) {
      return DataLoss(fmt::format("{} is corrupt: {}", p.string(), e.what()));
    }
    return md;
  }

  Status Save(const Metadata& md) const {
    nlohmann::json j;
    j["version"] = 1;
    j["next_id"] = md.next_id;
    j["snapshots"] = nlohmann::json::object();
    for (const auto& [key, r] : md.snapshots) {
      nlohmann::json& record = j["snapshots"][key];
      record = {{"id", std::to_string(r.id)}, {"kind", KindName(r.kind)}, {"parent", r.parent}};
      if (!r.synced) {
        record["synced"] = false;
        record["boot_id"] = r.boot_id;
        record["committed_at"] = r.committed_at;
      }
    }
    return WriteFileAtomically(root_ / "metadata.json", j.dump(1), 0600);
  }

  std::filesystem::path root_;
  bool overlay_;
};

Status ProbeOverlay(const std::filesystem::path& root) {
  MB_ASSIGN_OR_RETURN(TempDir probe, TempDir::Create(root / "tmp", "probe-"));
  for (const char* d : {"l1", "l2", "u", "w", "m"}) MB_RETURN_IF_ERROR(EnsureDir(probe.path() / d, 0700));
  Mount m = OverlayMount({"lowerdir=" + (probe.path() / "l1").string() + ":" + (probe.path() / "l2").string(),
                          "upperdir=" + (probe.path() / "u").string(), "workdir=" + (probe.path() / "w").string()});
  auto mounted = ScopedMount::MountAll({m}, probe.path() / "m");
  if (!mounted.ok()) {
    return FailedPrecondition(fmt::format("overlayfs is not usable under {}: {}", root.string(), mounted.status().message()));
  }
  return mounted->Unmount();
}

}  // namespace

StatusOr<ScopedMount> MountSnapshot(Snapshotter& snapshotter, const std::string& key,
                                    const std::filesystem::path& mountpoint) {
  MB_ASSIGN_OR_RETURN(std::vector<Mount> mounts, snapshotter.Mounts(key));
  return ScopedMount::MountAll(mounts, mountpoint);
}

StatusOr<std::unique_ptr<Snapshotter>> NewOverlaySnapshotter(const std::filesystem::path& root) {
  auto s = std::make_unique<FsSnapshotter>(root, true);
  MB_RETURN_IF_ERROR(s->Init());
  // A probe mounts and unmounts an overlay (the unmount syncs the upper file system: tens of ms on a
  // busy disk), so one that succeeded is remembered for the rest of the boot in ROOT/probed (the boot id).
  const std::filesystem::path probed = root / "probed";
  // The mount options are part of what was probed: userxattr (overlay_options.h) may work where the
  // trusted xattrs do not, and the other way round.
  const std::string boot = CurrentBootId();
  const std::string probe_id = InNestedUserNamespace() ? boot + " userxattr" : boot;
  StatusOr<std::string> last = ReadFile(probed, 256);
  if (boot.empty() || !last.ok() || *last != probe_id) {
    MB_RETURN_IF_ERROR(ProbeOverlay(root));
    if (!boot.empty()) WriteFileAtomically(probed, probe_id, 0600).IgnoreError();
  }
  return std::unique_ptr<Snapshotter>(std::move(s));
}

StatusOr<std::unique_ptr<Snapshotter>> NewNativeSnapshotter(const std::filesystem::path& root) {
  auto s = std::make_unique<FsSnapshotter>(root, false);
  MB_RETURN_IF_ERROR(s->Init());
  return std::unique_ptr<Snapshotter>(std::move(s));
}

StatusOr<std::unique_ptr<Snapshotter>> OpenSnapshotterForCleanup(const std::filesystem::path& root, bool overlay) {
  auto s = std::make_unique<FsSnapshotter>(root, overlay);
  MB_RETURN_IF_ERROR(s->Init());
  return std::unique_ptr<Snapshotter>(std::move(s));
}

}  // namespace mybuild::snapshotter

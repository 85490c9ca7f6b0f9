#include "src/fileops/streamed_copy.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include <map>
#include <set>
#include <utility>

#include "src/base/logging.h"
#include "src/fileops/chmod_spec.h"
#include "src/fileops/copy_destination.h"
#include "src/fileops/path_match.h"
#include "src/fileops/source_selection.h"
#include "src/fileops/source_walker.h"

namespace mybuild::fileops {
namespace {

using snapshotter::EntryType;
using snapshotter::LayerEntry;
using snapshotter::RootFs;
using snapshotter::Timestamp;

// Planning stops with this when the outcome needs a real destination; the caller falls back.
Status NotStreamable(const std::string& why) { return Status(StatusCode::kUnimplemented, why); }

Timestamp MtimeOf(const struct stat& st) {
  return Timestamp{static_cast<int64_t>(st.st_mtim.tv_sec), static_cast<uint32_t>(st.st_mtim.tv_nsec)};
}

// "/a/b" -> "a/b"; "/" -> "".
std::string Relative(const std::string& abs) { return abs.size() > 1 ? abs.substr(1) : std::string(); }

std::string ParentOfRelative(const std::string& rel) {
  size_t slash = rel.rfind('/');
  return slash == std::string::npos ? std::string() : rel.substr(0, slash);
}

struct PathOrder {
  bool operator()(const std::string& a, const std::string& b) const { return snapshotter::EntryPathLess(a, b); }
};

// The layer being planned: new entries by relative path, and what the parent rootfs has.
class LayerPlan {
 public:
  LayerPlan(const RootFs* parent, Timestamp now) : parent_(parent), now_(now) {}

  // lstat in the parent; nullopt when missing (or when there is no parent).
  StatusOr<std::optional<struct stat>> ParentLstat(const std::string& rel) const {
    if (parent_ == nullptr || rel.empty()) return std::optional<struct stat>();
    StatusOr<struct stat> st = parent_->Lstat(rel);
    if (st.ok()) return std::optional<struct stat>(*st);
    if (st.status().code() == StatusCode::kNotFound) return std::optional<struct stat>();
    return st.status();
  }

  bool Has(const std::string& rel) const { return entries_.count(rel) > 0; }
  bool IsNewDirectory(const std::string& rel) const {
    auto it = entries_.find(rel);
    return it != entries_.end() && it->second.entry.type == EntryType::kDirectory;
  }

  // Records a path that the copy creates; it must not exist in the parent or in the plan.
  Status AddNew(StreamedEntry planned) {
    const std::string rel = planned.entry.path;
    if (rel.empty()) return NotStreamable("the copy writes the root directory");
    if (Has(rel)) return NotStreamable("two sources write /" + rel);
    const std::string parent = ParentOfRelative(rel);
    if (!IsNewDirectory(parent)) {  // below a directory made by this copy nothing exists yet
      MB_ASSIGN_OR_RETURN(std::optional<struct stat> existing, ParentLstat(rel));
      if (existing) return NotStreamable("/" + rel + " exists in the parent");
    }
    gains_names_.insert(parent);
    entries_.emplace(rel, std::move(planned));
    return Status::Ok();
  }

  // mkdir -p of `abs` as the copier does it: missing directories 0755, owned by `owner`, mtime now.
  // Existing components must be real directories.
  Status MkdirAll(const std::string& abs, Owner owner) {
    std::string rel;
    bool missing_above = false;
    for (const std::string& part : SplitPath(abs)) {
      rel = rel.empty() ? part : rel + "/" + part;
      if (Has(rel)) {
        if (!IsNewDirectory(rel)) return NotStreamable("/" + rel + " is a file of this copy");
        continue;
      }
      if (!missing_above) {
        MB_ASSIGN_OR_RETURN(std::optional<struct stat> existing, ParentLstat(rel));
        if (existing) {
          if (!S_ISDIR(existing->st_mode)) return NotStreamable("/" + rel + " is not a directory in the parent");
          continue;
        }
        missing_above = true;
      }
      StreamedEntry dir;
      dir.entry.path = rel;
      dir.entry.type = EntryType::kDirectory;
      dir.entry.mode = 0755;
      dir.entry.uid = owner.uid;
      dir.entry.gid = owner.gid;
      dir.entry.mtime = now_;
      MB_RETURN_IF_ERROR(AddNew(std::move(dir)));
    }
    return Status::Ok();
  }

  // Adds the existing directories above the new entries (a diff emits every directory above a change)
  // and returns everything in layer order.
  StatusOr<std::vector<StreamedEntry>> Finish() {
    std::set<std::string> existing_dirs;
    for (const auto& [rel, planned] : entries_) {
      for (std::string up = ParentOfRelative(rel); !up.empty(); up = ParentOfRelative(up)) {
        if (Has(up)) break;  // planned, and so are the directories above it
        existing_dirs.insert(up);
      }
    }
    for (const std::string& rel : existing_dirs) {
      MB_ASSIGN_OR_RETURN(std::optional<struct stat> st, ParentLstat(rel));
      if (!st || !S_ISDIR(st->st_mode)) return NotStreamable("/" + rel + " changed in the parent");
      MB_ASSIGN_OR_RETURN(bool has_xattrs, HasXattrs(rel));
      if (has_xattrs) return NotStreamable("/" + rel + " has extended attributes");
      StreamedEntry dir;
      dir.entry.path = rel;
      dir.entry.type = EntryType::kDirectory;
      dir.entry.mode = st->st_mode & 07777;
      dir.entry.uid = st->st_uid;
      dir.entry.gid = st->st_gid;
      dir.entry.mtime = gains_names_.count(rel) ? now_ : MtimeOf(*st);
      entries_.emplace(rel, std::move(dir));
    }
    std::vector<StreamedEntry> out;
    out.reserve(entries_.size());
    for (auto& [rel, planned] : entries_) out.push_back(std::move(planned));
    return out;
  }

 private:
  StatusOr<bool> HasXattrs(const std::string& rel) const {
    MB_ASSIGN_OR_RETURN(UniqueFd fd, parent_->Open(rel, O_PATH, /*follow_final=*/false));
    std::string proc = "/proc/self/fd/" + std::to_string(fd.get());
    ssize_t size = ::listxattr(proc.c_str(), nullptr, 0);
    if (size < 0) return ErrnoError("listxattr /" + rel);
    return size > 0;
  }

  const RootFs* parent_;
  Timestamp now_;
  std::map<std::string, StreamedEntry, PathOrder> entries_;
  std::set<std::string> gains_names_;  // directories (relative; "" = the root) that get a new name
};

// What the copier needs to know about ownership and modes (copier.cc's CopyContext, read only).
struct Attributes {
  SourceRootKind root_kind;
  ChmodSpec chmod;
  std::optional<Owner> chown;

  Owner OwnerFor(const struct stat& st) const {
    if (chown) return *chown;
    if (root_kind == SourceRootKind::kStage) return Owner{st.st_uid, st.st_gid};
    return Owner{0, 0};
  }
  Owner CreatedDirOwner() const { return chown.value_or(Owner{0, 0}); }
  uint32_t ModeFor(uint32_t mode, bool is_dir) const {
    return chmod.empty() ? (mode & 07777) : chmod.Apply(mode & 07777, is_dir);
  }
};

// Plans one walked source below `target`, as copier.cc's CopyVisitor writes it.
class PlanVisitor : public SourceVisitor {
 public:
  PlanVisitor(LayerPlan& plan, const Attributes& attributes, std::string target,
              std::map<std::pair<dev_t, ino_t>, std::string>& first_paths)
      : plan_(plan), attributes_(attributes), target_(std::move(target)), first_paths_(first_paths) {}

  Status Visit(const SourceEntry& source) override {
    const struct stat& st = source.st;
    if (S_ISDIR(st.st_mode) && source.rel.empty()) return Status::Ok();  // the target, made by the caller
    if (S_ISSOCK(st.st_mode)) return Status::Ok();                       // not copied (as BuildKit)
    StreamedEntry planned;
    LayerEntry& entry = planned.entry;
    entry.path = Relative(source.rel.empty() ? target_ : JoinPath(target_, source.rel));
    if (entry.path.substr(entry.path.rfind('/') + 1).starts_with(".wh.")) return NotStreamable("whiteout-like name");
    Owner owner = attributes_.OwnerFor(st);
    entry.uid = owner.uid;
    entry.gid = owner.gid;
    entry.mtime = MtimeOf(st);
    if (S_ISDIR(st.st_mode)) {
      entry.type = EntryType::kDirectory;
      entry.mode = attributes_.ModeFor(st.st_mode, true);
    } else if (S_ISREG(st.st_mode)) {
      auto key = std::make_pair(st.st_dev, st.st_ino);
      auto first = st.st_nlink > 1 ? first_paths_.find(key) : first_paths_.end();
      entry.mode = attributes_.ModeFor(st.st_mode, false);
      if (first != first_paths_.end()) {
        entry.type = EntryType::kHardlink;
        entry.linkname = first->second;
      } else {
        entry.type = EntryType::kRegular;
        entry.size = static_cast<uint64_t>(st.st_size);
        planned.source_rel = source.root_rel;
        planned.follow_final = source.rel.empty();
        planned.dev = st.st_dev;
        planned.ino = st.st_ino;
        if (st.st_nlink > 1) first_paths_[key] = entry.path;
      }
    } else if (S_ISLNK(st.st_mode)) {
      entry.type = EntryType::kSymlink;
      entry.mode = st.st_mode & 07777;
      entry.linkname = source.link_target;
    } else {
      return NotStreamable("a device or FIFO source");
    }
    if (entry.type != EntryType::kHardlink) {
      MB_ASSIGN_OR_RETURN(entry.xattrs, source.LayerXattrs());
    }
    return plan_.AddNew(std::move(planned));
  }

 private:
  LayerPlan& plan_;
  const Attributes& attributes_;
  std::string target_;
  std::map<std::pair<dev_t, ino_t>, std::string>& first_paths_;
};

Status PlanInto(LayerPlan& plan, const CopySpec& spec, const CopyEnvironment& env) {
  if (spec.is_add) return NotStreamable("ADD");
  if (spec.parents) return NotStreamable("--parents");
  if (spec.sources.empty() || spec.dest.empty()) return NotStreamable("no source or destination");
  for (const CopySource& source : spec.sources) {
    if (source.kind != CopySource::Kind::kPath) return NotStreamable("a URL or heredoc source");
  }
  if (env.source_root == nullptr) return NotStreamable("no source root");

  Attributes attributes{spec.root_kind, {}, {}};
  if (!spec.chmod.empty()) {
    MB_ASSIGN_OR_RETURN(attributes.chmod, ChmodSpec::Parse(spec.chmod));
  }
  if (spec.owner) {
    attributes.chown = spec.owner;
  } else if (!spec.chown.empty()) {
    if (env.dest == nullptr) return NotStreamable("--chown without a parent rootfs");
    MB_ASSIGN_OR_RETURN(attributes.chown, ResolveChown(spec, *env.dest));
  }

  // The destination: no symlink on the way (the copier would write through it).
  const CopyDestination destination = ResolveDestination(spec);
  std::optional<struct stat> dest_st;
  std::string rel;
  for (const std::string& part : SplitPath(destination.path)) {
    rel = rel.empty() ? part : rel + "/" + part;
    MB_ASSIGN_OR_RETURN(dest_st, plan.ParentLstat(rel));
    if (!dest_st) break;
    if (S_ISLNK(dest_st->st_mode)) return NotStreamable("a symlink on the way to the destination");
  }
  if (rel != Relative(destination.path)) dest_st.reset();
  const bool dest_is_dir = destination.dir_syntax || (dest_st && S_ISDIR(dest_st->st_mode));

  MB_ASSIGN_OR_RETURN(SourceFilter filter, SourceFilter::Create(spec, env.dockerignore));
  MB_ASSIGN_OR_RETURN(std::vector<SelectedSource> selected, SelectSources(spec, *env.source_root, filter));
  if ((selected.size() > 1 || spec.sources.size() > 1) && !dest_is_dir) return NotStreamable("several sources");

  std::map<std::pair<dev_t, ino_t>, std::string> first_paths;
  for (const SelectedSource& source : selected) {
    std::string target = TargetOf(spec, destination.path, dest_is_dir, source);
    if (S_ISDIR(source.st.st_mode)) {
      MB_RETURN_IF_ERROR(plan.MkdirAll(target, attributes.CreatedDirOwner()));
    } else {
      size_t slash = target.rfind('/');
      MB_RETURN_IF_ERROR(plan.MkdirAll(slash == 0 ? "/" : target.substr(0, slash), attributes.CreatedDirOwner()));
    }
    PlanVisitor visitor(plan, attributes, target, first_paths);
    MB_RETURN_IF_ERROR(WalkSource(*env.source_root, source.root_rel, &filter, visitor));
  }
  return Status::Ok();
}

}  // namespace

StatusOr<std::optional<std::vector<StreamedEntry>>> PlanStreamedCopy(const CopySpec& spec, const CopyEnvironment& env,
                                                                    Timestamp now) {
  LayerPlan plan(env.dest, now);
  Status planned = PlanInto(plan, spec, env);
  StatusOr<std::vector<StreamedEntry>> entries =
      planned.ok() ? plan.Finish() : StatusOr<std::vector<StreamedEntry>>(planned);
  if (!entries.ok()) {
    // Every reason, errors included, sends the COPY down the ordinary path, which reports errors as usual.
    spdlog::debug("COPY to {} is written through a snapshot: {}", spec.dest, entries.status().message());
    return std::optional<std::vector<StreamedEntry>>();
  }
  return std::optional<std::vector<StreamedEntry>>(std::move(entries).value());
}

StatusOr<UniqueFd> OpenStreamedContent(const RootFs& source_root, const StreamedEntry& planned) {
  const std::string where = "\"/" + planned.source_rel + "\"";
  MB_ASSIGN_OR_RETURN(UniqueFd fd, source_root.Open(planned.source_rel, O_RDONLY | O_NOCTTY | O_NONBLOCK,
                                                    planned.follow_final));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return ErrnoError("fstat " + where);
  if (!S_ISREG(st.st_mode) || st.st_dev != planned.dev || st.st_ino != planned.ino ||
      static_cast<uint64_t>(st.st_size) != planned.entry.size) {
    return FailedPrecondition(where + " changed while it was copied");
  }
  int flags = ::fcntl(fd.get(), F_GETFL);
  if (flags >= 0) ::fcntl(fd.get(), F_SETFL, flags & ~O_NONBLOCK);
  return fd;
}

}  // namespace mybuild::fileops

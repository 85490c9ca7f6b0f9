#include "src/fileops/copier.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <map>
#include <utility>

#include "snapshotter/layer_apply.h"
#include "snapshotter/passwd.h"
#include "src/base/message_quote.h"
#include "src/fileops/archive_probe.h"
#include "src/fileops/chmod_spec.h"
#include "src/fileops/copy_destination.h"
#include "src/fileops/git_source.h"
#include "src/fileops/path_match.h"
#include "src/fileops/source_selection.h"
#include "src/fileops/source_walker.h"
#include "src/base/temp_dir.h"

namespace mybuild::fileops {
namespace {

using snapshotter::Ownership;
using snapshotter::RootFs;
using snapshotter::Timestamp;

std::string Quote(const std::string& path) { return QuoteForMessage(path); }

std::string ParentOf(const std::string& abs) {
  size_t slash = abs.rfind('/');
  if (slash == std::string::npos || slash == 0) return "/";
  return abs.substr(0, slash);
}

// nullopt when missing.
StatusOr<std::optional<struct stat>> StatDest(const RootFs& dest, const std::string& path, bool follow) {
  StatusOr<struct stat> st = follow ? dest.Stat(path) : dest.Lstat(path);
  if (st.ok()) return std::optional<struct stat>(*st);
  if (st.status().code() == StatusCode::kNotFound) return std::optional<struct stat>();
  return st.status();
}

// An unnamed temporary file for downloads and heredocs.
StatusOr<UniqueFd> TempFile(const std::filesystem::path& scratch_dir) {
  std::filesystem::path dir = scratch_dir;
  if (dir.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    dir = (tmp && *tmp) ? tmp : "/tmp";
  }
  UniqueFd fd(::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600));
  if (fd) return fd;
  std::string pattern = (dir / "mybuild-fileops-XXXXXX").string();
  fd.Reset(::mkstemp(pattern.data()));
  if (!fd) return ErrnoError("create temporary file in " + dir.string());
  ::unlink(pattern.c_str());
  return fd;
}

Status WriteAll(int fd, std::string_view bytes) {
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + off, bytes.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("write temporary file");
    }
    off += static_cast<size_t>(n);
  }
  return Status::Ok();
}

Status SetFdMtime(int fd, const Timestamp& t, const std::string& where) {
  struct timespec ts[2];
  ts[0].tv_sec = t.seconds;
  ts[0].tv_nsec = t.nanoseconds;
  ts[1] = ts[0];
  if (::futimens(fd, ts) != 0) return ErrnoError("futimens " + where);
  return Status::Ok();
}

Timestamp MtimeOf(const struct stat& st) {
  return Timestamp{static_cast<int64_t>(st.st_mtim.tv_sec), static_cast<uint32_t>(st.st_mtim.tv_nsec)};
}

// Everything one COPY needs while writing.
struct CopyContext {
  const CopySpec& spec;
  const RootFs& dest;
  ChmodSpec chmod;
  std::optional<Owner> chown;
  CopyStats stats;
  // Hardlinks within this COPY: (device, inode) of a source file -> the destination path first written.
  std::map<std::pair<dev_t, ino_t>, std::string> written_inodes;
  // While a git checkout is copied: its files are the host's (owned 0:0 unless --chown) and every mtime
  // is the commit's time.
  std::optional<Timestamp> git_mtime;

  Ownership OwnerFor(const struct stat& st) const {
    if (chown) return Ownership{chown->uid, chown->gid};
    if (spec.root_kind == SourceRootKind::kStage && !git_mtime) return Ownership{st.st_uid, st.st_gid};
    return Ownership{0, 0};
  }
  Timestamp MtimeFor(const struct stat& st) const { return git_mtime ? *git_mtime : MtimeOf(st); }
  Ownership CreatedDirOwner() const {
    return chown ? Ownership{chown->uid, chown->gid} : Ownership{0, 0};
  }
  uint32_t ModeFor(uint32_t mode, bool is_dir) const {
    return chmod.empty() ? (mode & 07777) : chmod.Apply(mode & 07777, is_dir);
  }
};

// Writes a walked source below `target` (the source itself lands at `target`).
class CopyVisitor : public SourceVisitor {
 public:
  CopyVisitor(CopyContext& ctx, std::string target) : ctx_(ctx), target_(std::move(target)) {}

  Status Visit(const SourceEntry& entry) override {
    const std::string path = entry.rel.empty() ? target_ : JoinPath(target_, entry.rel);
    const struct stat& st = entry.st;
    const RootFs& dest = ctx_.dest;
    MB_ASSIGN_OR_RETURN(std::optional<struct stat> existing, StatDest(dest, path, /*follow=*/false));
    if (S_ISDIR(st.st_mode)) {
      if (entry.rel.empty()) {
        // The destination directory itself: created by ExecuteCopy when missing, kept as it is otherwise.
        return Status::Ok();
      }
      if (existing && !S_ISDIR(existing->st_mode)) {
        return FailedPrecondition("cannot copy directory " + Quote("/" + entry.root_rel) +
                                  " to non-directory " + Quote(path));
      }
      if (!existing) MB_RETURN_IF_ERROR(dest.Mkdir(path, 0700));
      MB_RETURN_IF_ERROR(ApplyMetadata(path, st, /*set_mtime=*/false));
      ++ctx_.stats.directories;
      return Status::Ok();
    }
    if (existing && S_ISDIR(existing->st_mode)) {
      return FailedPrecondition("cannot replace directory " + Quote(path) + " with file " +
                                Quote("/" + entry.root_rel));
    }
    if (S_ISREG(st.st_mode)) {
      auto key = std::make_pair(st.st_dev, st.st_ino);
      if (st.st_nlink > 1) {
        auto it = ctx_.written_inodes.find(key);
        if (it != ctx_.written_inodes.end()) {
          MB_RETURN_IF_ERROR(dest.Hardlink(it->second, path));
          ++ctx_.stats.hardlinks;
          return Status::Ok();
        }
      }
      MB_ASSIGN_OR_RETURN(UniqueFd content, entry.OpenContent());
      Ownership owner = ctx_.OwnerFor(st);
      MB_ASSIGN_OR_RETURN(UniqueFd out, dest.WriteFile(path, content.get(), ctx_.ModeFor(st.st_mode, false), owner));
      // After the chown (which drops security.capability).
      MB_RETURN_IF_ERROR(CopyXattrs(entry, content.get(), path));
      MB_RETURN_IF_ERROR(SetFdMtime(out.get(), ctx_.MtimeFor(st), path));
      if (st.st_nlink > 1) ctx_.written_inodes[key] = path;
      ++ctx_.stats.files;
      ctx_.stats.bytes += static_cast<uint64_t>(st.st_size);
      return Status::Ok();
    }
    if (S_ISLNK(st.st_mode)) {
      MB_RETURN_IF_ERROR(dest.Symlink(entry.link_target, path));
      Ownership owner = ctx_.OwnerFor(st);
      MB_RETURN_IF_ERROR(dest.Chown(path, owner.uid, owner.gid));
      MB_RETURN_IF_ERROR(dest.SetMtime(path, ctx_.MtimeFor(st)));
      ++ctx_.stats.symlinks;
      return Status::Ok();
    }
    if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) || S_ISFIFO(st.st_mode)) {
      MB_RETURN_IF_ERROR(dest.Mknod(path, (st.st_mode & S_IFMT) | 0600, st.st_rdev));
      MB_RETURN_IF_ERROR(ApplyMetadata(path, st, /*set_mtime=*/true));
      ++ctx_.stats.other;
      return Status::Ok();
    }
    // Sockets cannot be copied; BuildKit skips them too.
    return Status::Ok();
  }

  Status LeaveDirectory(const SourceEntry& entry) override {
    if (entry.rel.empty()) return Status::Ok();
    return ctx_.dest.SetMtime(JoinPath(target_, entry.rel), ctx_.MtimeFor(entry.st));
  }

 private:
  // The xattrs a layer keeps (SourceEntry::LayerXattrs), set on the copy.
  Status CopyXattrs(const SourceEntry& entry, int content_fd, const std::string& path) {
    MB_ASSIGN_OR_RETURN(auto xattrs, entry.LayerXattrs(content_fd));
    for (const auto& [name, value] : xattrs) MB_RETURN_IF_ERROR(ctx_.dest.SetXattr(path, name, value));
    return Status::Ok();
  }

  Status ApplyMetadata(const std::string& path, const struct stat& st, bool set_mtime) {
    Ownership owner = ctx_.OwnerFor(st);
    // chown before chmod: chown clears setuid/setgid bits.
    MB_RETURN_IF_ERROR(ctx_.dest.Chown(path, owner.uid, owner.gid));
    MB_RETURN_IF_ERROR(ctx_.dest.Chmod(path, ctx_.ModeFor(st.st_mode, S_ISDIR(st.st_mode))));
    if (set_mtime) MB_RETURN_IF_ERROR(ctx_.dest.SetMtime(path, ctx_.MtimeFor(st)));
    return Status::Ok();
  }

  CopyContext& ctx_;
  std::string target_;
};

// Writes the content of `fd` as the file `path` (heredocs and downloads).
Status WriteGeneratedFile(CopyContext& ctx, const std::string& path, int fd, uint32_t mode, const Timestamp& mtime,
                          uint64_t size) {
  MB_ASSIGN_OR_RETURN(std::optional<struct stat> existing, StatDest(ctx.dest, path, false));
  if (existing && S_ISDIR(existing->st_mode)) {
    return FailedPrecondition("cannot replace directory " + Quote(path) + " with a file");
  }
  if (::lseek(fd, 0, SEEK_SET) < 0) return ErrnoError("lseek");
  Ownership owner = ctx.CreatedDirOwner();
  MB_ASSIGN_OR_RETURN(UniqueFd out, ctx.dest.WriteFile(path, fd, ctx.ModeFor(mode, false), owner));
  MB_RETURN_IF_ERROR(SetFdMtime(out.get(), mtime, path));
  ++ctx.stats.files;
  ctx.stats.bytes += size;
  return Status::Ok();
}

Status EnsureParent(CopyContext& ctx, const std::string& path) {
  std::string parent = ParentOf(path);
  if (parent == "/") return Status::Ok();
  MB_ASSIGN_OR_RETURN(UniqueFd unused, ctx.dest.MkdirAll(parent, 0755, ctx.CreatedDirOwner()));
  return Status::Ok();
}

Status ExtractInto(CopyContext& ctx, const std::string& dest_dir, int fd, const std::string& what) {
  snapshotter::ApplyOptions options;
  if (ctx.chown) options.chown = Ownership{ctx.chown->uid, ctx.chown->gid};
  if (::lseek(fd, 0, SEEK_SET) < 0) return ErrnoError("lseek " + what);
  StatusOr<snapshotter::ApplyStats> applied = snapshotter::ExtractArchive(ctx.dest, dest_dir, fd, options);
  if (!applied.ok()) return applied.status().WithContext("ADD " + what);
  ++ctx.stats.archives_extracted;
  return Status::Ok();
}

// Makes `dir` (absolute in the destination) a directory, unless it already is one.
Status EnsureDirectory(CopyContext& ctx, const std::string& dir, const std::string& what) {
  MB_ASSIGN_OR_RETURN(std::optional<struct stat> existing, StatDest(ctx.dest, dir, true));
  if (existing && !S_ISDIR(existing->st_mode)) {
    return FailedPrecondition("cannot copy directory " + what + " to non-directory " + Quote(dir));
  }
  if (!existing) {
    MB_ASSIGN_OR_RETURN(UniqueFd unused, ctx.dest.MkdirAll(dir, 0755, ctx.CreatedDirOwner()));
  }
  return Status::Ok();
}

// ADD <git repository>: the commit's tree checked out on the host, then copied from there through the
// confined walk like any other directory source.
Status CopyGitSource(CopyContext& ctx, const CopyEnvironment& env, const std::string& url, const std::string& dest) {
  if (env.git == nullptr) return Unavailable("ADD " + url + ": no git client configured");
  MB_ASSIGN_OR_RETURN(GitSource source, ParseGitSource(url));
  std::optional<ResolvedGitRef> resolved = ctx.spec.git_pinned;
  if (!resolved) {
    MB_ASSIGN_OR_RETURN(resolved, ResolveGitSource(*env.git, source, ctx.spec.git_checksum));
  }
  const std::string what = Quote(url);
  // The destination first: a copy that cannot land fetches nothing.
  MB_RETURN_IF_ERROR(EnsureDirectory(ctx, dest, what));
  MB_ASSIGN_OR_RETURN(TempDir work, TempDir::Create(env.scratch_dir, "git-checkout-"));
  const std::filesystem::path tree = work.path() / "tree";
  if (::mkdir(tree.c_str(), 0700) != 0) return ErrnoError("mkdir " + tree.string());
  MB_ASSIGN_OR_RETURN(GitCheckout checkout, env.git->Checkout(source, *resolved, tree, ctx.spec.keep_git_dir));
  MB_ASSIGN_OR_RETURN(RootFs root, RootFs::Open(tree));
  if (!source.subdir.empty()) {
    StatusOr<struct stat> st = root.Lstat(source.subdir);
    if (!st.ok() || !S_ISDIR(st->st_mode)) {
      return NotFound("subdirectory \"" + source.subdir + "\" not found in git repository " + source.remote +
                      " at " + resolved->commit);
    }
  }
  ctx.git_mtime = Timestamp{checkout.commit_time, 0};
  CopyVisitor visitor(ctx, dest);
  Status walked = WalkSource(root, source.subdir, nullptr, visitor);
  ctx.git_mtime.reset();
  return walked;
}

}  // namespace

StatusOr<std::optional<Owner>> ResolveChown(const CopySpec& spec, const snapshotter::RootFs& dest) {
  if (spec.owner) return std::optional<Owner>(*spec.owner);
  if (spec.chown.empty()) return std::optional<Owner>();
  std::string user = spec.chown;
  bool has_group = user.find(':') != std::string::npos;
  if (has_group && user.substr(user.find(':') + 1).empty()) {
    return InvalidArgument("invalid --chown value \"" + spec.chown + "\": empty group", spec.location);
  }
  if (user.empty() || user[0] == ':') {
    return InvalidArgument("invalid --chown value \"" + spec.chown + "\": expected user[:group]", spec.location);
  }
  StatusOr<snapshotter::ResolvedUser> resolved = snapshotter::ResolveUser(dest, user);
  if (!resolved.ok()) {
    return Status(resolved.status().code(), "--chown=" + spec.chown + ": " + resolved.status().message(),
                  spec.location);
  }
  Owner owner{resolved->uid, has_group ? resolved->gid : resolved->uid};
  return std::optional<Owner>(owner);
}

StatusOr<CopyStats> ExecuteCopy(const CopySpec& spec, const CopyEnvironment& env) {
  const char* instruction = spec.is_add ? "ADD" : "COPY";
  if (env.dest == nullptr) return InvalidArgument("ExecuteCopy: no destination rootfs");
  if (spec.sources.empty()) return InvalidArgument(std::string(instruction) + " needs at least one source", spec.location);
  if (spec.dest.empty()) return InvalidArgument(std::string(instruction) + " needs a destination", spec.location);

  CopyContext ctx{spec, *env.dest, {}, {}, {}, {}, {}};
  if (!spec.chmod.empty()) {
    StatusOr<ChmodSpec> chmod = ChmodSpec::Parse(spec.chmod);
    if (!chmod.ok()) return chmod.status().WithLocation(spec.location);
    ctx.chmod = *chmod;
  }
  MB_ASSIGN_OR_RETURN(ctx.chown, ResolveChown(spec, *env.dest));

  // The destination, absolute inside the rootfs, its symlinks followed (as BuildKit's copier does).
  const CopyDestination destination = ResolveDestination(spec);
  StatusOr<std::string> resolved_dest = ResolveDestinationInRoot(*env.dest, destination.path);
  if (!resolved_dest.ok()) return resolved_dest.status().WithLocation(spec.location);
  const std::string& dest = *resolved_dest;
  MB_ASSIGN_OR_RETURN(std::optional<struct stat> dest_st, StatDest(*env.dest, dest, /*follow=*/true));
  bool dest_is_dir = destination.dir_syntax || (dest_st && S_ISDIR(dest_st->st_mode));

  // Select every kPath source first: a missing one fails the COPY before anything is written.
  std::vector<SelectedSource> selected;
  size_t path_sources = 0;
  for (const CopySource& s : spec.sources) path_sources += s.kind == CopySource::Kind::kPath;
  std::optional<SourceFilter> filter;
  if (path_sources > 0) {
    if (env.source_root == nullptr) return InvalidArgument("ExecuteCopy: no source root for path sources");
    StatusOr<SourceFilter> f = SourceFilter::Create(spec, env.dockerignore);
    if (!f.ok()) return f.status().WithLocation(spec.location);
    filter.emplace(std::move(f).value());
    StatusOr<std::vector<SelectedSource>> sel = SelectSources(spec, *env.source_root, *filter);
    if (!sel.ok()) return sel.status().WithLocation(spec.location);
    selected = std::move(sel).value();
  }
  size_t total = selected.size() + (spec.sources.size() - path_sources);
  if ((total > 1 || spec.sources.size() > 1) && !dest_is_dir) {
    return InvalidArgument(std::string("When using ") + instruction +
                               " with more than one source file, the destination must be a directory and end "
                               "with a /",
                           spec.location);
  }

  auto file_target = [&](const std::string& name) { return FileTarget(dest, dest_is_dir, name); };

  // Local paths.
  for (const SelectedSource& s : selected) {
    bool is_dir = S_ISDIR(s.st.st_mode);
    std::string target = TargetOf(spec, dest, dest_is_dir, s);
    bool unpack = spec.is_add && spec.unpack.value_or(true) && S_ISREG(s.st.st_mode);
    if (unpack) {
      MB_ASSIGN_OR_RETURN(UniqueFd fd, env.source_root->Open(s.root_rel, O_RDONLY, true));
      MB_ASSIGN_OR_RETURN(ArchiveKind kind, ProbeArchive(fd.get()));
      if (kind != ArchiveKind::kNone) {
        // Archives are extracted into the destination directory.
        MB_RETURN_IF_ERROR(ExtractInto(ctx, dest, fd.get(), Quote("/" + s.root_rel)).WithLocation(spec.location));
        continue;
      }
    }
    if (is_dir) {
      MB_ASSIGN_OR_RETURN(std::optional<struct stat> existing, StatDest(*env.dest, target, true));
      if (existing && !S_ISDIR(existing->st_mode)) {
        return FailedPrecondition("cannot copy directory " + Quote("/" + s.root_rel) + " to non-directory " +
                                  Quote(target));
      }
      if (!existing) {
        StatusOr<UniqueFd> made = env.dest->MkdirAll(target, 0755, ctx.CreatedDirOwner());
        if (!made.ok()) return made.status().WithLocation(spec.location);
      }
    } else {
      MB_RETURN_IF_ERROR(EnsureParent(ctx, target).WithLocation(spec.location));
    }
    CopyVisitor visitor(ctx, target);
    Status walked = WalkSource(*env.source_root, s.root_rel, &*filter, visitor);
    if (!walked.ok()) return walked.WithLocation(spec.location);
  }

  // Heredocs and URLs.
  for (const CopySource& s : spec.sources) {
    if (s.kind == CopySource::Kind::kHeredoc) {
      std::string target = file_target(s.path);
      MB_RETURN_IF_ERROR(EnsureParent(ctx, target).WithLocation(spec.location));
      MB_ASSIGN_OR_RETURN(UniqueFd fd, TempFile(env.scratch_dir));
      MB_RETURN_IF_ERROR(WriteAll(fd.get(), s.content));
      MB_RETURN_IF_ERROR(WriteGeneratedFile(ctx, target, fd.get(), 0644, Timestamp{}, s.content.size())
                             .WithLocation(spec.location));
      continue;
    }
    if (s.kind != CopySource::Kind::kUrl) continue;
    if (!spec.is_add) {
      return InvalidArgument("source can't be a URL for COPY: " + s.path + " (use ADD)", spec.location);
    }
    if (IsGitUrl(s.path)) {
      MB_RETURN_IF_ERROR(CopyGitSource(ctx, env, s.path, dest).WithLocation(spec.location));
      continue;
    }
    if (!IsHttpUrl(s.path)) {
      return InvalidArgument("unsupported ADD URL \"" + s.path + "\": expected http:// or https://", spec.location);
    }
    if (env.fetcher == nullptr) return Unavailable("ADD " + s.path + ": no URL fetcher configured");
    MB_ASSIGN_OR_RETURN(UniqueFd fd, TempFile(env.scratch_dir));
    StatusOr<FetchedFile> fetched = env.fetcher->Fetch(s.path, spec.max_download_bytes, fd.get());
    if (!fetched.ok()) return fetched.status().WithLocation(spec.location);
    if (spec.checksum && *spec.checksum != fetched->digest) {
      return Status(StatusCode::kDataLoss,
                    "checksum mismatch for " + s.path + ": expected " + spec.checksum->ToString() + ", got " +
                        fetched->digest.ToString(),
                    spec.location);
    }
    if (spec.unpack.value_or(false)) {
      MB_ASSIGN_OR_RETURN(ArchiveKind kind, ProbeArchive(fd.get()));
      if (kind != ArchiveKind::kNone) {
        MB_RETURN_IF_ERROR(ExtractInto(ctx, dest, fd.get(), s.path).WithLocation(spec.location));
        continue;
      }
    }
    std::string target = file_target(FileNameFromUrl(s.path));
    MB_RETURN_IF_ERROR(EnsureParent(ctx, target).WithLocation(spec.location));
    Timestamp mtime{fetched->last_modified.value_or(0), 0};
    MB_RETURN_IF_ERROR(WriteGeneratedFile(ctx, target, fd.get(), 0600, mtime, fetched->size).WithLocation(spec.location));
  }
  return ctx.stats;
}

}  // namespace mybuild::fileops

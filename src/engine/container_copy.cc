#include "src/engine/container_copy.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <map>
#include <thread>
#include <utility>

#include "snapshotter/layer_apply.h"
#include "snapshotter/root_path.h"
#include "src/base/unique_fd.h"
#include "src/fileops/source_walker.h"
#include "src/image/compression.h"
#include "src/image/layer_writer.h"

namespace mybuild::engine {
namespace {

bool EndsWithSlash(std::string_view path) { return !path.empty() && path.back() == '/'; }
// "dir/." (or "." alone): the directory's content, not the directory.
bool EndsWithDot(std::string_view path) {
  return path == "." || (path.size() >= 2 && path.substr(path.size() - 2) == "/.");
}

std::string Parent(const std::string& resolved) {
  const size_t slash = resolved.rfind('/');
  return slash == 0 || slash == std::string::npos ? std::string("/") : resolved.substr(0, slash);
}

std::string BaseName(const std::string& resolved) {
  const size_t slash = resolved.rfind('/');
  return slash == std::string::npos ? resolved : resolved.substr(slash + 1);
}

std::string Join(const std::string& top, const std::string& rel) {
  if (top.empty()) return rel;
  return rel.empty() ? top : top + "/" + rel;
}

// Writes every chunk to a file descriptor (a pipe or the caller's stdout).
class FdSink : public image::ByteSink {
 public:
  explicit FdSink(int fd) : fd_(fd) {}
  Status Write(std::string_view bytes) override {
    while (!bytes.empty()) {
      ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return ErrnoError("write the copy's tar stream");
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return Status::Ok();
  }
  Status Close() override { return Status::Ok(); }

 private:
  int fd_;
};

// The walked source as tar entries, named below `top_name`; regular files are opened again, confined to
// the root, only when the tar is written.
class TarVisitor : public fileops::SourceVisitor {
 public:
  TarVisitor(const snapshotter::RootFs& root, std::string top_name, image::LayerWriter& writer)
      : root_(root), top_(std::move(top_name)), writer_(writer) {}

  Status Visit(const fileops::SourceEntry& entry) override {
    const std::string name = Join(top_, entry.rel);
    if (name.empty()) return Status::Ok();  // the source directory itself, when only its content is copied
    image::LayerEntry out;
    out.path = name;
    out.mode = entry.st.st_mode & 07777;
    out.uid = entry.st.st_uid;
    out.gid = entry.st.st_gid;
    out.mtime = entry.st.st_mtim.tv_sec;
    const mode_t type = entry.st.st_mode & S_IFMT;
    if (type == S_IFDIR) {
      out.type = image::EntryType::kDirectory;
    } else if (type == S_IFLNK) {
      out.type = image::EntryType::kSymlink;
      out.link_target = entry.link_target;
    } else if (type == S_IFREG) {
      const std::pair<dev_t, ino_t> inode{entry.st.st_dev, entry.st.st_ino};
      if (entry.st.st_nlink > 1) {
        auto [it, first] = inodes_.emplace(inode, name);
        if (!first) {
          out.type = image::EntryType::kHardlink;
          out.link_target = it->second;
          return writer_.Add(std::move(out));
        }
      }
      out.type = image::EntryType::kFile;
      out.size = static_cast<uint64_t>(entry.st.st_size);
      MB_ASSIGN_OR_RETURN(out.xattrs, entry.LayerXattrs());
      const snapshotter::RootFs* root = &root_;
      const std::string where = "/" + entry.root_rel;
      out.file = [root, where]() { return root->Open(where, O_RDONLY | O_NOCTTY | O_NONBLOCK, false); };
    } else if (type == S_IFCHR || type == S_IFBLK) {
      out.type = type == S_IFCHR ? image::EntryType::kCharDevice : image::EntryType::kBlockDevice;
      out.dev_major = major(entry.st.st_rdev);
      out.dev_minor = minor(entry.st.st_rdev);
    } else if (type == S_IFIFO) {
      out.type = image::EntryType::kFifo;
    } else {
      return Status::Ok();  // sockets are not copied (docker skips them too)
    }
    return writer_.Add(std::move(out));
  }

 private:
  const snapshotter::RootFs& root_;
  std::string top_;
  image::LayerWriter& writer_;
  std::map<std::pair<dev_t, ino_t>, std::string> inodes_;
};

// The source resolved as docker resolves it: its parents always, its final link only when asked.
struct Source {
  CopyPathInfo info;
  bool is_link = false;
  std::string link_target;
};

StatusOr<Source> ResolveSource(const CopyEndpoint& src, const CopyOptions& options) {
  const bool follow = options.follow_link || EndsWithSlash(src.path) || EndsWithDot(src.path);
  Source out;
  MB_ASSIGN_OR_RETURN(out.info, ResolveCopyPath(*src.root, src.path, follow));
  if (!out.info.exists) return NotFound("no such file or directory: " + src.label);
  if (EndsWithSlash(src.path) && !out.info.is_dir) return InvalidArgument(src.label + ": not a directory");
  MB_ASSIGN_OR_RETURN(struct stat st, src.root->Lstat(out.info.resolved));
  if (S_ISLNK(st.st_mode)) {
    out.is_link = true;
    MB_ASSIGN_OR_RETURN(UniqueFd link, src.root->Open(out.info.resolved, O_PATH, false));
    std::string target(4096, '\0');
    ssize_t n = ::readlinkat(link.get(), "", target.data(), target.size());
    if (n < 0) return ErrnoError("readlink " + src.label);
    target.resize(static_cast<size_t>(n));
    out.link_target = std::move(target);
  }
  return out;
}

// Writes the resolved source as a tar to `fd`, its top entry named `top_name` ("" = its content only).
Status WriteSourceTar(const CopyEndpoint& src, const Source& source, const std::string& top_name, int fd) {
  image::LayerWriter writer;
  if (source.is_link) {
    MB_ASSIGN_OR_RETURN(struct stat st, src.root->Lstat(source.info.resolved));
    image::LayerEntry link;
    link.path = top_name;
    link.type = image::EntryType::kSymlink;
    link.mode = 0777;
    link.uid = st.st_uid;
    link.gid = st.st_gid;
    link.mtime = st.st_mtim.tv_sec;
    link.link_target = source.link_target;
    MB_RETURN_IF_ERROR(writer.Add(std::move(link)));
  } else {
    TarVisitor visitor(*src.root, top_name, writer);
    const std::string rel = source.info.resolved == "/" ? std::string() : source.info.resolved.substr(1);
    MB_RETURN_IF_ERROR(fileops::WalkSource(*src.root, rel, nullptr, visitor));
  }
  FdSink sink(fd);
  return writer.WriteTar(sink).status();
}

snapshotter::ApplyOptions ExtractOptions(const CopyEndpoint& dest, const CopyOptions& options) {
  snapshotter::ApplyOptions apply;
  apply.devices = snapshotter::DevicePolicy::kSkip;  // never device nodes from a container on the host
  if (!options.archive) apply.chown = dest.owner;
  return apply;
}

}  // namespace

CopyArgument SplitCopyArgument(std::string_view argument) {
  const size_t colon = argument.find(':');
  if (argument.empty() || argument[0] == '/' || argument[0] == '.' || colon == std::string_view::npos || colon == 0) {
    return CopyArgument{"", std::string(argument)};
  }
  return CopyArgument{std::string(argument.substr(0, colon)), std::string(argument.substr(colon + 1))};
}

StatusOr<CopyPathInfo> ResolveCopyPath(const snapshotter::RootFs& root, std::string_view path, bool follow_final) {
  std::vector<std::string> parts = snapshotter::RootFs::CleanComponents(path);
  CopyPathInfo info;
  if (parts.empty()) {
    info.exists = info.is_dir = info.parent_is_dir = true;
    info.resolved = "/";
    return info;
  }
  std::string last = parts.back();
  std::string parent_path;
  for (size_t i = 0; i + 1 < parts.size(); ++i) parent_path += "/" + parts[i];
  snapshotter::RootPath resolved;
  if (follow_final) {
    MB_ASSIGN_OR_RETURN(resolved, snapshotter::ResolveInRoot(root, path));
  } else {
    MB_ASSIGN_OR_RETURN(resolved, snapshotter::ResolveInRoot(root, parent_path.empty() ? "/" : parent_path));
    const bool parent_exists = resolved.existing == resolved.parts.size() && resolved.last_existing_is_dir;
    resolved.parts.push_back(last);
    if (parent_exists) {
      StatusOr<struct stat> st = root.Lstat(resolved.Absolute());
      if (st.ok()) {
        ++resolved.existing;
        resolved.last_existing_is_dir = S_ISDIR(st->st_mode);
      } else if (st.status().code() != StatusCode::kNotFound) {
        return st.status();
      }
    }
  }
  if (resolved.parts.empty()) {  // a link to the root
    info.exists = info.is_dir = info.parent_is_dir = true;
    info.resolved = "/";
    return info;
  }
  info.resolved = resolved.Absolute();
  info.exists = resolved.existing == resolved.parts.size();
  info.is_dir = info.exists && resolved.last_existing_is_dir;
  info.parent_is_dir = info.exists || (resolved.existing + 1 == resolved.parts.size() && resolved.last_existing_is_dir);
  return info;
}

StatusOr<CopyTarget> DecideCopyTarget(std::string_view src, bool src_is_dir, const std::string& src_name,
                                      std::string_view dest, const CopyPathInfo& dest_info,
                                      const std::string& dest_label) {
  if (dest_info.exists && dest_info.is_dir) {
    if (src_is_dir && (EndsWithDot(src) || src_name.empty())) return CopyTarget{dest_info.resolved, ""};
    return CopyTarget{dest_info.resolved, src_name};
  }
  if (dest_info.exists) {
    if (src_is_dir) return InvalidArgument("cannot copy a directory to a file: " + dest_label);
    if (EndsWithSlash(dest) || EndsWithDot(dest)) return InvalidArgument(dest_label + ": not a directory");
    return CopyTarget{Parent(dest_info.resolved), BaseName(dest_info.resolved)};
  }
  if (EndsWithSlash(dest) || EndsWithDot(dest)) {
    if (!src_is_dir) return NotFound("the destination directory must exist: " + dest_label);
  }
  if (!dest_info.parent_is_dir) {
    return NotFound("no such directory: the parent of " + dest_label + " must be an existing directory");
  }
  return CopyTarget{Parent(dest_info.resolved), BaseName(dest_info.resolved)};
}

Status CopyBetween(const CopyEndpoint& src, const CopyEndpoint& dest, const CopyOptions& options) {
  MB_ASSIGN_OR_RETURN(Source source, ResolveSource(src, options));
  MB_ASSIGN_OR_RETURN(CopyPathInfo dest_info, ResolveCopyPath(*dest.root, dest.path, true));
  const std::string src_name = source.info.resolved == "/" ? std::string() : BaseName(source.info.resolved);
  MB_ASSIGN_OR_RETURN(CopyTarget target, DecideCopyTarget(src.path, source.info.is_dir && !source.is_link, src_name,
                                                          dest.path, dest_info, dest.label));
  int ends[2];
  if (::pipe2(ends, O_CLOEXEC) != 0) return ErrnoError("pipe2");
  UniqueFd read_end(ends[0]);
  UniqueFd write_end(ends[1]);
  Status written;
  std::thread writer([&] {
    written = WriteSourceTar(src, source, target.top_name, write_end.get());
    write_end.Reset();  // the end of the stream for the extraction
  });
  StatusOr<snapshotter::ApplyStats> applied =
      snapshotter::ExtractArchive(*dest.root, target.extract_dir, read_end.get(), ExtractOptions(dest, options));
  read_end.Reset();  // a writer still writing gets EPIPE instead of waiting
  writer.join();
  MB_RETURN_IF_ERROR(written);  // the source's error explains a truncated stream
  return applied.status();
}

Status CopyToTarStream(const CopyEndpoint& src, int fd, const CopyOptions& options) {
  MB_ASSIGN_OR_RETURN(Source source, ResolveSource(src, options));
  std::string top = source.info.resolved == "/" ? std::string() : BaseName(source.info.resolved);
  if (source.info.is_dir && !source.is_link && EndsWithDot(src.path)) top = "";
  return WriteSourceTar(src, source, top, fd);
}

Status CopyFromTarStream(int fd, const CopyEndpoint& dest, const CopyOptions& options) {
  MB_ASSIGN_OR_RETURN(CopyPathInfo dest_info, ResolveCopyPath(*dest.root, dest.path, true));
  if (!dest_info.exists) return NotFound("the destination directory must exist: " + dest.label);
  if (!dest_info.is_dir) return InvalidArgument("the destination must be a directory to extract a tar stream: " + dest.label);
  return snapshotter::ExtractArchive(*dest.root, dest_info.resolved, fd, ExtractOptions(dest, options)).status();
}

}  // namespace mybuild::engine

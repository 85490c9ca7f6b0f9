#include "src/image/layer_writer.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include "src/base/tar_names.h"

#include "src/base/sparse_map.h"
#include "src/image/threaded_sink.h"

namespace mybuild::image {
namespace {

constexpr size_t kMaxPath = 4096;
constexpr size_t kReadChunk = 1 << 18;
constexpr size_t kMaxXattrValue = 1 << 16;
constexpr std::string_view kWhiteoutPrefix = ".wh.";
constexpr std::string_view kOpaqueMarker = ".wh..wh..opq";

std::string_view BaseName(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

Status CheckWhiteoutName(std::string_view path) {
  std::string_view base = BaseName(path);
  if (base.substr(0, kWhiteoutPrefix.size()) != kWhiteoutPrefix) return Status::Ok();
  if (base == kOpaqueMarker) return Status::Ok();
  std::string_view target = base.substr(kWhiteoutPrefix.size());
  if (target.empty() || target == "." || target == ".." ||
      target.substr(0, kWhiteoutPrefix.size()) == kWhiteoutPrefix) {
    return InvalidArgument("layer entry \"" + std::string(path) + "\": invalid whiteout name");
  }
  return Status::Ok();
}

// One layer's tar stream: libarchive writes blocks to Deliver(), which hashes and forwards them.
struct TarPipe {
  ByteSink* sink = nullptr;
  Sha256 hash;
  uint64_t size = 0;
  Status error;

  static la_ssize_t Deliver(struct archive*, void* self, const void* data, size_t length) {
    auto* pipe = static_cast<TarPipe*>(self);
    pipe->hash.Update(data, length);
    pipe->size += length;
    Status status = pipe->sink->Write(std::string_view(static_cast<const char*>(data), length));
    if (!status.ok()) {
      if (pipe->error.ok()) pipe->error = status;
      return -1;
    }
    return static_cast<la_ssize_t>(length);
  }
  static int Close(struct archive*, void*) { return ARCHIVE_OK; }
};

struct ArchiveDeleter {
  void operator()(struct archive* a) const { archive_write_free(a); }
};
struct EntryDeleter {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};

Status ArchiveError(struct archive* a, const TarPipe& pipe, const std::string& what) {
  if (!pipe.error.ok()) return pipe.error.WithContext(what);
  const char* message = archive_error_string(a);
  return Internal(what + ": " + (message ? message : "libarchive error"));
}

mode_t FileTypeBits(EntryType type) {
  switch (type) {
    case EntryType::kFile: return AE_IFREG;
    case EntryType::kDirectory: return AE_IFDIR;
    case EntryType::kSymlink: return AE_IFLNK;
    case EntryType::kHardlink: return AE_IFREG;
    case EntryType::kCharDevice: return AE_IFCHR;
    case EntryType::kBlockDevice: return AE_IFBLK;
    case EntryType::kFifo: return AE_IFIFO;
  }
  return AE_IFREG;
}

// A file's bytes in order, from its start (a file without holes; SparseMapOf moved the offset).
Status StreamFile(int fd, const ContentWriter& write) {
  if (::lseek(fd, 0, SEEK_SET) != 0) return ErrnoError("lseek layer file content");
  std::unique_ptr<char[]> buffer(new char[kReadChunk]);
  for (;;) {
    ssize_t n = ::read(fd, buffer.get(), kReadChunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("read layer file content");
    }
    if (n == 0) return Status::Ok();
    MB_RETURN_IF_ERROR(write(std::string_view(buffer.get(), static_cast<size_t>(n))));
  }
}

// The sparse map of a tar entry: its data extents and, when the file ends in a hole, an empty extent at
// its end (as GNU tar writes it, so that readers that size the file from the map see its full length).
void AddSparseMap(archive_entry* entry, const std::vector<DataExtent>& map, uint64_t size) {
  for (const DataExtent& extent : map) {
    archive_entry_sparse_add_entry(entry, static_cast<la_int64_t>(extent.offset),
                                   static_cast<la_int64_t>(extent.length));
  }
  if (map.empty() || map.back().offset + map.back().length < size) {
    archive_entry_sparse_add_entry(entry, static_cast<la_int64_t>(size), 0);
  }
}

}  // namespace

ContentSource ContentFromString(std::string bytes) {
  return [bytes = std::move(bytes)](const ContentWriter& write) { return write(bytes); };
}

LayerEntry WhiteoutEntry(std::string_view path) {
  std::string_view trimmed = path;
  while (!trimmed.empty() && trimmed.back() == '/') trimmed.remove_suffix(1);
  size_t slash = trimmed.rfind('/');
  LayerEntry entry;
  if (slash == std::string_view::npos) {
    entry.path = std::string(kWhiteoutPrefix) + std::string(trimmed);
  } else {
    entry.path = std::string(trimmed.substr(0, slash + 1)) + std::string(kWhiteoutPrefix) +
                 std::string(trimmed.substr(slash + 1));
  }
  entry.mode = 0;
  return entry;
}

LayerEntry OpaqueWhiteoutEntry(std::string_view dir) {
  std::string path(dir);
  while (!path.empty() && path.back() == '/') path.pop_back();
  LayerEntry entry;
  entry.path = path.empty() ? std::string(kOpaqueMarker) : path + "/" + std::string(kOpaqueMarker);
  entry.mode = 0;
  return entry;
}

StatusOr<std::string> NormalizeLayerPath(std::string_view path) {
  if (path.size() > kMaxPath) return InvalidArgument("layer path longer than 4096 bytes");
  if (path.find('\0') != std::string_view::npos) return InvalidArgument("layer path contains a NUL byte");
  std::string out;
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view component = path.substr(pos, slash - pos);
    pos = slash + 1;
    if (component.empty()) continue;
    if (component == ".") {
      if (out.empty()) continue;  // a leading "./"
      return InvalidArgument("layer path \"" + std::string(path) + "\" contains \".\"");
    }
    if (component == "..") return InvalidArgument("layer path \"" + std::string(path) + "\" contains \"..\"");
    if (!out.empty()) out.push_back('/');
    out.append(component);
  }
  if (out.empty()) return InvalidArgument("layer path \"" + std::string(path) + "\" names the layer root");
  return out;
}

bool LayerPathLess(std::string_view a, std::string_view b) {
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    unsigned char x = a[i] == '/' ? 0 : static_cast<unsigned char>(a[i]);
    unsigned char y = b[i] == '/' ? 0 : static_cast<unsigned char>(b[i]);
    if (x != y) return x < y;
  }
  return a.size() < b.size();
}

Status LayerWriter::Add(LayerEntry entry) {
  if (used_) return FailedPrecondition("layer writer already written");
  StatusOr<std::string> path = NormalizeLayerPath(entry.path);
  if (!path.ok()) return path.status();
  entry.path = *path;
  const std::string where = "layer entry \"" + entry.path + "\"";
  MB_RETURN_IF_ERROR(CheckWhiteoutName(entry.path));
  if (entry.mode & ~07777u) return InvalidArgument(where + ": mode has bits outside 07777");
  if (entry.type != EntryType::kFile && entry.size != 0) {
    return InvalidArgument(where + ": only regular files have a size");
  }
  if (entry.type == EntryType::kFile && entry.size > 0 && !entry.content && !entry.file) {
    return InvalidArgument(where + ": a non-empty file needs a content source");
  }
  if ((entry.type == EntryType::kSymlink || entry.type == EntryType::kHardlink) &&
      entry.link_target.empty()) {
    return InvalidArgument(where + ": a link needs a target");
  }
  if (entry.type == EntryType::kSymlink && entry.link_target.find('\0') != std::string::npos) {
    return InvalidArgument(where + ": link target contains a NUL byte");
  }
  if (entry.type == EntryType::kHardlink) {
    StatusOr<std::string> target = NormalizeLayerPath(entry.link_target);
    if (!target.ok()) return target.status().WithContext(where + ": hardlink target");
    entry.link_target = *target;
  }
  for (const auto& [name, value] : entry.xattrs) {
    if (name.empty() || name.find('\0') != std::string::npos || name.rfind("trusted.overlay.", 0) == 0) {
      return InvalidArgument(where + ": xattr \"" + name + "\" may not be stored in a layer");
    }
    if (value.size() > kMaxXattrValue)
      return InvalidArgument(where + ": xattr \"" + name + "\" is over 64 KiB");
  }
  if (entry.mtime < 0) entry.mtime = 0;
  if (index_.count(entry.path)) return InvalidArgument(where + ": path added twice");
  index_[entry.path] = entries_.size();
  entries_.push_back(std::move(entry));
  return Status::Ok();
}

Status LayerWriter::ResolveHardlinks() {
  // Group every hardlink with the regular file it finally points at; the first path of the group in sort
  // order becomes the file (with content) and the others link to it.
  std::map<std::string, std::vector<size_t>> groups;  // root file path -> member entries (incl. root)
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i].type != EntryType::kHardlink) continue;
    std::string target = entries_[i].link_target;
    for (size_t hops = 0;; ++hops) {
      auto it = index_.find(target);
      if (it == index_.end()) {
        return InvalidArgument("layer entry \"" + entries_[i].path + "\": hardlink target \"" + target +
                               "\" is not in this layer");
      }
      const LayerEntry& next = entries_[it->second];
      if (next.type == EntryType::kFile) break;
      if (next.type != EntryType::kHardlink || hops > entries_.size()) {
        return InvalidArgument("layer entry \"" + entries_[i].path +
                               "\": hardlink must lead to a regular file");
      }
      target = next.link_target;
    }
    auto& members = groups[target];
    if (members.empty()) members.push_back(index_[target]);
    members.push_back(i);
  }
  for (auto& [root, members] : groups) {
    size_t first = *std::min_element(members.begin(), members.end(), [&](size_t a, size_t b) {
      return LayerPathLess(entries_[a].path, entries_[b].path);
    });
    size_t root_index = index_[root];
    if (first != root_index) {
      LayerEntry& leader = entries_[first];
      LayerEntry& old = entries_[root_index];
      std::string leader_path = leader.path;
      leader = old;  // metadata and content of the shared inode
      leader.path = leader_path;
      leader.link_target.clear();
      old.type = EntryType::kHardlink;
      old.size = 0;
      old.content = nullptr;
      old.file = nullptr;
    }
    for (size_t member : members) {
      if (member == first) continue;
      entries_[member].type = EntryType::kHardlink;
      entries_[member].link_target = entries_[first].path;
      entries_[member].size = 0;
      entries_[member].content = nullptr;
      entries_[member].file = nullptr;
    }
  }
  return Status::Ok();
}

StatusOr<std::pair<Digest, uint64_t>> LayerWriter::WriteTar(ByteSink& sink) {
  if (used_) return FailedPrecondition("layer writer already written");
  used_ = true;
  MB_RETURN_IF_ERROR(ResolveHardlinks());
  const base::TarNameScope names;  // names are bytes, whatever the locale (src/base/tar_names.h)
  std::vector<size_t> order(entries_.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return LayerPathLess(entries_[a].path, entries_[b].path); });

  TarPipe pipe;
  pipe.sink = &sink;
  std::unique_ptr<struct archive, ArchiveDeleter> archive(archive_write_new());
  if (!archive) return Internal("archive_write_new failed");
  struct archive* a = archive.get();
  if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
      archive_write_add_filter_none(a) != ARCHIVE_OK ||
      archive_write_set_bytes_per_block(a, 10240) != ARCHIVE_OK ||
      archive_write_open(a, &pipe, nullptr, &TarPipe::Deliver, &TarPipe::Close) != ARCHIVE_OK) {
    return ArchiveError(a, pipe, "opening the layer tar");
  }
  std::unique_ptr<archive_entry, EntryDeleter> entry(archive_entry_new());
  for (size_t i : order) {
    LayerEntry& e = entries_[i];
    const std::string where = "layer entry \"" + e.path + "\"";
    archive_entry_clear(entry.get());
    int64_t mtime = e.mtime;
    if (options_.source_date_epoch && mtime > *options_.source_date_epoch)
      mtime = *options_.source_date_epoch;
    archive_entry_set_pathname(entry.get(), e.path.c_str());
    archive_entry_set_filetype(entry.get(), FileTypeBits(e.type));
    archive_entry_set_perm(entry.get(), e.mode & 07777);
    archive_entry_set_uid(entry.get(), e.uid);
    archive_entry_set_gid(entry.get(), e.gid);
    archive_entry_set_mtime(entry.get(), mtime, 0);
    archive_entry_set_size(entry.get(), e.type == EntryType::kFile ? static_cast<la_int64_t>(e.size) : 0);
    if (e.type == EntryType::kSymlink) archive_entry_set_symlink(entry.get(), e.link_target.c_str());
    if (e.type == EntryType::kHardlink) archive_entry_set_hardlink(entry.get(), e.link_target.c_str());
    if (e.type == EntryType::kCharDevice || e.type == EntryType::kBlockDevice) {
      archive_entry_set_rdevmajor(entry.get(), e.dev_major);
      archive_entry_set_rdevminor(entry.get(), e.dev_minor);
    }
    for (const auto& [name, value] : e.xattrs) {
      archive_entry_xattr_add_entry(entry.get(), name.c_str(), value.data(), value.size());
    }
    UniqueFd file;
    std::optional<std::vector<DataExtent>> sparse;
    if (e.type == EntryType::kFile && e.size > 0 && e.file) {
      MB_ASSIGN_OR_RETURN(file, e.file());
      MB_ASSIGN_OR_RETURN(sparse, SparseMapOf(file.get(), e.size));
      if (sparse) AddSparseMap(entry.get(), *sparse, e.size);
    }
    const int header = archive_write_header(a, entry.get());
    if (header != ARCHIVE_OK && !base::IsNameTranslationWarning(header, archive_error_string(a))) {
      return ArchiveError(a, pipe, where);
    }
    if (e.type == EntryType::kFile && e.size > 0) {
      uint64_t written = 0;
      ContentWriter write = [&](std::string_view bytes) -> Status {
        if (written + bytes.size() > e.size) {
          return DataLoss(where + ": content is larger than the recorded size " + std::to_string(e.size) +
                          " (file changed while the layer was written?)");
        }
        while (!bytes.empty()) {
          la_ssize_t n = archive_write_data(a, bytes.data(), bytes.size());
          if (n <= 0) return ArchiveError(a, pipe, where);
          bytes.remove_prefix(static_cast<size_t>(n));
          written += static_cast<uint64_t>(n);
        }
        return Status::Ok();
      };
      if (sparse) {
        MB_RETURN_IF_ERROR(StreamWithHoles(file.get(), e.size, *sparse, write).WithContext(where));
      } else if (file) {
        MB_RETURN_IF_ERROR(StreamFile(file.get(), write).WithContext(where));
      } else {
        MB_RETURN_IF_ERROR(e.content(write));
      }
      if (written != e.size) {
        return DataLoss(where + ": content is " + std::to_string(written) + " bytes, expected " +
                        std::to_string(e.size) + " (file changed while the layer was written?)");
      }
    }
    e.content = nullptr;  // release whatever the source held
    e.file = nullptr;
  }
  if (archive_write_close(a) != ARCHIVE_OK) return ArchiveError(a, pipe, "finishing the layer tar");
  if (!pipe.error.ok()) return pipe.error;
  MB_RETURN_IF_ERROR(sink.Close());
  return std::make_pair(pipe.hash.Finish(), pipe.size);
}

StatusOr<LayerResult> LayerWriter::Write(const cache::BlobStore& store) {
  MB_ASSIGN_OR_RETURN(cache::BlobWriter blob, store.BeginWrite());
  FunctionSink blob_sink([&](std::string_view bytes) { return blob.Write(bytes); });
  MB_ASSIGN_OR_RETURN(std::unique_ptr<ByteSink> compressor,
                      MakeCompressor(options_.compression, options_.levels, &blob_sink));
  // Compression runs on workers so that it overlaps with reading files and hashing the tar (gzip has its
  // own pool of chunk compressors).
  std::unique_ptr<ByteSink> threaded;
  ByteSink* tar_sink = compressor.get();
  if (options_.compression == Compression::kZstd) {
    threaded = std::make_unique<ThreadedSink>(compressor.get());
    tar_sink = threaded.get();
  }
  MB_ASSIGN_OR_RETURN(auto tar, WriteTar(*tar_sink));
  threaded.reset();
  MB_ASSIGN_OR_RETURN(cache::BlobInfo info, blob.Commit());
  LayerResult result;
  result.diff_id = tar.first;
  result.uncompressed_size = tar.second;
  result.blob.media_type = std::string(LayerMediaType(options_.compression));
  result.blob.digest = info.digest;
  result.blob.size = static_cast<int64_t>(info.size);
  return result;
}

}  // namespace mybuild::image

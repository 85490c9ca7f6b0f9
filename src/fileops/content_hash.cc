#include "src/fileops/content_hash.h"

#include <fmt/format.h>

#include <charconv>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include <nlohmann/json.hpp>

#include "src/base/files.h"
#include "src/base/sparse_map.h"
#include "src/base/unique_fd.h"
#include "src/fileops/source_selection.h"
#include "src/fileops/source_walker.h"

namespace mybuild::fileops {
namespace {

void Field(Sha256& hash, std::string_view value) {
  std::string prefix = std::to_string(value.size()) + ":";
  hash.Update(prefix);
  hash.Update(value);
}

std::string Octal(uint32_t mode) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%o", mode);
  return buf;
}

const char* TypeName(mode_t mode) {
  if (S_ISREG(mode)) return "file";
  if (S_ISDIR(mode)) return "dir";
  if (S_ISLNK(mode)) return "symlink";
  if (S_ISCHR(mode)) return "char";
  if (S_ISBLK(mode)) return "block";
  if (S_ISFIFO(mode)) return "fifo";
  return "socket";
}

class HashVisitor : public SourceVisitor {
 public:
  HashVisitor(Sha256& hash, const HashOptions& options, ContentHasher& hasher)
      : hash_(hash), options_(options), hasher_(hasher) {}

  Status Visit(const SourceEntry& entry) override {
    const struct stat& st = entry.st;
    Field(hash_, TypeName(st.st_mode));
    Field(hash_, entry.rel);
    Field(hash_, Octal(st.st_mode & 07777));
    Field(hash_, std::to_string(st.st_uid));
    Field(hash_, std::to_string(st.st_gid));
    Field(hash_, std::to_string(S_ISREG(st.st_mode) ? st.st_size : 0));
    if (S_ISREG(st.st_mode)) {
      MB_ASSIGN_OR_RETURN(Digest digest, ContentDigest(entry));
      Field(hash_, digest.ToString());
    } else if (S_ISLNK(st.st_mode)) {
      Field(hash_, entry.link_target);
    } else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
      Field(hash_, std::to_string(static_cast<uint64_t>(st.st_rdev)));
    } else {
      Field(hash_, "");
    }
    return Status::Ok();
  }

 private:
  StatusOr<Digest> ContentDigest(const SourceEntry& entry) {
    StatKey key = StatKeyOf(entry.st);
    if (options_.stat_cache) {
      if (std::optional<Digest> cached = options_.stat_cache->Lookup(key)) return *cached;
    }
    MB_ASSIGN_OR_RETURN(UniqueFd fd, entry.OpenContent());
    MB_ASSIGN_OR_RETURN(Digest digest, hasher_.HashContent(fd.get()));
    // The xattrs the copy carries count too (setting one changes the ctime the stat cache keys on). A
    // file without them keeps its plain content digest.
    MB_ASSIGN_OR_RETURN(auto xattrs, entry.LayerXattrs(fd.get()));
    if (!xattrs.empty()) {
      std::string text = digest.ToString();
      for (const auto& [name, value] : xattrs) text += " xattr " + name + " " + Digest::Of(value).ToString();
      digest = Digest::Of(text);
    }
    // Remember only if the file did not change while it was read.
    struct stat after {};
    if (options_.stat_cache && ::fstat(fd.get(), &after) == 0 && StatKeyOf(after) == key) {
      options_.stat_cache->Store(key, digest);
    }
    return digest;
  }

  Sha256& hash_;
  const HashOptions& options_;
  ContentHasher& hasher_;
};

}  // namespace

StatKey StatKeyOf(const struct stat& st) {
  StatKey key;
  key.device = static_cast<uint64_t>(st.st_dev);
  key.inode = static_cast<uint64_t>(st.st_ino);
  key.size = static_cast<uint64_t>(st.st_size);
  key.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  key.ctime_ns = static_cast<int64_t>(st.st_ctim.tv_sec) * 1'000'000'000 + st.st_ctim.tv_nsec;
  return key;
}

std::optional<Digest> MemoryStatCache::Lookup(const StatKey& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find({key.device, key.inode});
  if (it == entries_.end() || !(it->second.first == key)) return std::nullopt;
  return it->second.second;
}

void MemoryStatCache::Store(const StatKey& key, const Digest& digest) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = entries_[{key.device, key.inode}];
  if (slot.first == key && slot.second == digest) return;
  slot = {key, digest};
  dirty_ = true;
}

size_t MemoryStatCache::size() {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

namespace {

constexpr std::string_view kStatCacheHeader = "mybuild-statcache 3\n";  // 3: digests cover xattrs

bool IsLowerHex(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// One line "DEV INO SIZE MTIME_NS CTIME_NS HEX"; nullopt when malformed.
std::optional<std::pair<StatKey, Digest>> ParseStatLine(std::string_view line) {
  StatKey key;
  const char* p = line.data();
  const char* end = line.data() + line.size();
  auto number = [&](auto& out) {
    auto [next, error] = std::from_chars(p, end, out);
    if (error != std::errc() || next == end || *next != ' ') return false;
    p = next + 1;
    return true;
  };
  if (!number(key.device) || !number(key.inode) || !number(key.size) || !number(key.mtime_ns) ||
      !number(key.ctime_ns)) {
    return std::nullopt;
  }
  std::string_view hex(p, static_cast<size_t>(end - p));
  if (hex.size() != 64 || !IsLowerHex(hex)) return std::nullopt;
  return std::make_pair(key, Digest::FromHex(std::string(hex)));
}

}  // namespace

std::unique_ptr<FileStatCache> FileStatCache::Load(std::filesystem::path file) {
  std::unique_ptr<FileStatCache> owned(new FileStatCache(std::move(file)));
  FileStatCache& cache = *owned;
  StatusOr<std::string> text = ReadFile(cache.file_, kMaxFileBytes);
  if (!text.ok() || !std::string_view(*text).starts_with(kStatCacheHeader)) return owned;
  std::string_view rest = std::string_view(*text).substr(kStatCacheHeader.size());
  while (!rest.empty() && cache.entries_.size() < kMaxEntries) {
    size_t newline = rest.find('\n');
    if (newline == std::string_view::npos) break;  // a torn last line is dropped
    if (auto entry = ParseStatLine(rest.substr(0, newline))) {
      cache.entries_[{entry->first.device, entry->first.inode}] = std::move(*entry);
    }
    rest.remove_prefix(newline + 1);
  }
  return owned;
}

Status FileStatCache::Save() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!dirty_) return Status::Ok();
  }
  // Serialises read-merge-write with other processes; without the lock (e.g. a read-only lock file)
  // the merge still happens, a concurrent save may then drop entries, which only costs re-hashing.
  const std::filesystem::path lock_path = file_.string() + ".lock";
  UniqueFd lock_fd(::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (lock_fd) {
    while (::flock(lock_fd.get(), LOCK_EX) != 0 && errno == EINTR) {
    }
  }
  std::unique_ptr<FileStatCache> on_disk = Load(file_);
  std::string text(kStatCacheHeader);
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [id, value] : on_disk->entries_) {
      if (entries_.size() >= kMaxEntries) break;
      entries_.try_emplace(id, value);
    }
    text.reserve(text.size() + entries_.size() * 128);
    for (const auto& [id, value] : entries_) {
      const StatKey& k = value.first;
      fmt::format_to(std::back_inserter(text), "{} {} {} {} {} {}\n", k.device, k.inode, k.size, k.mtime_ns,
                     k.ctime_ns, value.second.hex());
    }
  }
  MB_RETURN_IF_ERROR(WriteFileAtomically(file_, text, 0600));
  std::lock_guard<std::mutex> lock(mu_);
  dirty_ = false;
  return Status::Ok();
}

// The bytes of a file without holes; for a file with holes (sparse_map.h), its size, its content-defined
// map and the bytes of its data extents, so that time follows the data, not the apparent size. Either
// form determines the content, so equal digests still mean equal content.
StatusOr<Digest> ReadingContentHasher::HashContent(int fd) {
  Sha256 hash;
  struct stat st {};
  if (::fstat(fd, &st) != 0) return ErrnoError("fstat source file");
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  MB_ASSIGN_OR_RETURN(std::optional<std::vector<DataExtent>> sparse,
                      S_ISREG(st.st_mode) ? SparseMapOf(fd, size) : std::optional<std::vector<DataExtent>>());
  if (sparse) {
    hash.Update(fmt::format("mybuild-sparse-v1 {} {}\n", size, sparse->size()));
    for (const DataExtent& extent : *sparse) hash.Update(fmt::format("{} {}\n", extent.offset, extent.length));
    MB_RETURN_IF_ERROR(StreamData(fd, *sparse, [&](uint64_t, std::string_view bytes) {
      hash.Update(bytes.data(), bytes.size());
      return Status::Ok();
    }));
    return hash.Finish();
  }
  std::string buffer(1 << 16, '\0');
  off_t offset = 0;
  while (true) {
    ssize_t n = ::pread(fd, buffer.data(), buffer.size(), offset);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("read source file");
    }
    if (n == 0) break;
    hash.Update(buffer.data(), static_cast<size_t>(n));
    offset += n;
  }
  return hash.Finish();
}

StatusOr<Digest> HashSources(const CopySpec& spec, const snapshotter::RootFs* source_root,
                             const PathFilter* dockerignore, const HashOptions& options) {
  ReadingContentHasher default_hasher;
  ContentHasher& hasher = options.hasher ? *options.hasher : default_hasher;
  Sha256 hash;
  hash.Update("mybuild-copy-sources-v1\n");

  bool has_paths = false;
  for (const CopySource& s : spec.sources) has_paths = has_paths || s.kind == CopySource::Kind::kPath;
  std::vector<SelectedSource> selected;
  std::optional<SourceFilter> filter;
  if (has_paths) {
    if (source_root == nullptr) return InvalidArgument("HashSources: no source root for path sources");
    StatusOr<SourceFilter> f = SourceFilter::Create(spec, dockerignore);
    if (!f.ok()) return f.status().WithLocation(spec.location);
    filter.emplace(std::move(f).value());
    StatusOr<std::vector<SelectedSource>> sel = SelectSources(spec, *source_root, *filter);
    if (!sel.ok()) return sel.status().WithLocation(spec.location);
    selected = std::move(sel).value();
  }

  HashVisitor visitor(hash, options, hasher);
  size_t next = 0;  // selected sources come in spec order
  for (size_t index = 0; index < spec.sources.size(); ++index) {
    const CopySource& s = spec.sources[index];
    switch (s.kind) {
      case CopySource::Kind::kPath:
        Field(hash, "path");
        Field(hash, s.path);
        while (next < selected.size() && selected[next].source_index == index) {
          Field(hash, "match");
          Field(hash, selected[next].root_rel);
          MB_RETURN_IF_ERROR(WalkSource(*source_root, selected[next].root_rel, &*filter, visitor));
          ++next;
        }
        break;
      case CopySource::Kind::kHeredoc:
        Field(hash, "heredoc");
        Field(hash, s.path);
        Field(hash, Digest::Of(s.content).ToString());
        break;
      case CopySource::Kind::kUrl:
        Field(hash, "url");
        Field(hash, s.path);
        break;
    }
  }
  return hash.Finish();
}

}  // namespace mybuild::fileops

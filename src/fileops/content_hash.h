// The content part of a COPY/ADD cache key: a digest over exactly the entries the copy would read.
//
// HashSources selects sources exactly as ExecuteCopy does (source_selection.h: wildcards, .dockerignore,
// --exclude, --parents) and walks them in byte-wise sorted order. The digest is SHA-256 over the stream
//   "mybuild-copy-sources-v1\n"
//   per source, in spec order:   F("path") F(pattern)  then per match: F("match") F(root-relative path)
//                                  then per walked entry: F(type) F(relative path) F(mode, octal)
//                                  F(uid) F(gid) F(size) F(content sha256 | link target | rdev | "")
//                                F("heredoc") F(name) F(sha256 of the content)
//                                F("url") F(url)      (a URL's bytes are not known before downloading)
// where F(x) = decimal length of x, ':', x. Mtimes are not part of it (as in BuildKit).
//
// File contents are hashed through a ContentHasher (so tests can count reads) and remembered in a
// StatCache keyed by (device, inode) and validated by size, mtime and ctime (nanoseconds): a file whose
// stat is unchanged is not read again.
#ifndef MYBUILD_FILEOPS_CONTENT_HASH_H_
#define MYBUILD_FILEOPS_CONTENT_HASH_H_

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>

#include "snapshotter/rootfs.h"
#include "src/base/digest.h"
#include "src/base/status.h"
#include "src/fileops/copy_spec.h"
#include "src/fileops/path_filter.h"

namespace mybuild::fileops {

struct StatKey {
  uint64_t device = 0;
  uint64_t inode = 0;
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  int64_t ctime_ns = 0;
  bool operator==(const StatKey&) const = default;
};

StatKey StatKeyOf(const struct stat& st);

class StatCache {
 public:
  virtual ~StatCache() = default;
  // The digest recorded for this exact (device, inode, size, mtime, ctime), if any. Thread-safe.
  virtual std::optional<Digest> Lookup(const StatKey& key) = 0;
  virtual void Store(const StatKey& key, const Digest& digest) = 0;
};

class MemoryStatCache : public StatCache {
 public:
  std::optional<Digest> Lookup(const StatKey& key) override;
  void Store(const StatKey& key, const Digest& digest) override;
  size_t size();

 protected:
  std::mutex mu_;
  // (device, inode) -> (full key, digest)
  std::map<std::pair<uint64_t, uint64_t>, std::pair<StatKey, Digest>> entries_;
  bool dirty_ = false;
};

// A MemoryStatCache loaded from and saved to one text file (the caller picks it, e.g. ROOT/statcache):
//   mybuild-statcache 3                           (3: digests of files with xattrs cover them)
//   DEV INO SIZE MTIME_NS CTIME_NS SHA256HEX      (one line per file, sorted by (dev, ino), decimal)
// (a line format rather than JSON: a no-op rebuild of an 8,000-file context loads it in a few ms).
// Save() writes atomically (temp file, fsync, rename) and only when something changed. A missing file is
// an empty cache; an unreadable or malformed file or line is ignored (it is only a cache) and replaced on
// the next Save(). At most kMaxEntries are kept.
// Concurrent processes: Save() holds an exclusive flock on FILE.lock while it reads the file again and
// adds the entries of files this cache does not know (what another build saved since Load), so that
// builds sharing a root keep each other's work; for a file both know, this cache's entry wins.
class FileStatCache : public MemoryStatCache {
 public:
  static constexpr size_t kMaxEntries = 1'000'000;
  static constexpr uint64_t kMaxFileBytes = 256ull << 20;

  static std::unique_ptr<FileStatCache> Load(std::filesystem::path file);
  Status Save();

 private:
  explicit FileStatCache(std::filesystem::path file) : file_(std::move(file)) {}
  std::filesystem::path file_;
};

// Hashes one regular file's content from `fd` (at offset 0).
class ContentHasher {
 public:
  virtual ~ContentHasher() = default;
  virtual StatusOr<Digest> HashContent(int fd) = 0;
};

class ReadingContentHasher : public ContentHasher {
 public:
  StatusOr<Digest> HashContent(int fd) override;
};

struct HashOptions {
  StatCache* stat_cache = nullptr;   // optional
  ContentHasher* hasher = nullptr;   // optional; a ReadingContentHasher when null
};

// `source_root` may be null when the spec has no kPath sources; `dockerignore` may be null.
// Errors are those of SelectSources (missing source, escaping source) and of reading.
StatusOr<Digest> HashSources(const CopySpec& spec, const snapshotter::RootFs* source_root,
                             const PathFilter* dockerignore, const HashOptions& options = {});

}  // namespace mybuild::fileops

#endif  // MYBUILD_FILEOPS_CONTENT_HASH_H_

// The cache index: cache key (step_runner.h CacheKey) → the result a step produced. Implementations are
// thread-safe (the solver calls them from several threads).
//
// On-disk format of FileCacheIndex (ROOT/cache/<64 hex of the key>.json), one small JSON object:
//   {"schemaVersion": 1, "key": "sha256:<hex>", "result": "<StepResult::ref>", "created": <unix seconds>}
// Each file is written atomically (temp file, fsync, rename, fsync of the directory), so a reader sees a
// whole record or none. A record that cannot be read as this object (or whose "key" differs from its
// file name) is treated as absent: the step runs again and its record is rewritten. Records are only
// ever replaced, never edited; garbage collection may delete any of them (cache/gc.h). A hit sets the
// file's mtime to now (best effort), so that the mtime tells when the record was last used
// (`mybuild prune --keep-duration`).
#ifndef MYBUILD_SOLVER_CACHE_INDEX_H_
#define MYBUILD_SOLVER_CACHE_INDEX_H_

#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "src/base/digest.h"
#include "src/base/status.h"
#include "src/solver/step_runner.h"

namespace mybuild::solver {

class CacheIndex {
 public:
  virtual ~CacheIndex() = default;
  // The recorded result, std::nullopt when there is none. Errors are for I/O failures only.
  virtual StatusOr<std::optional<StepResult>> Lookup(const Digest& key) = 0;
  // Records (or replaces) the result for `key`.
  virtual Status Record(const Digest& key, const StepResult& result) = 0;
};

// One file of the index directory, as garbage collection sees it.
struct CacheRecordFile {
  std::string file_name;            // "<64 hex>.json", or any other name (e.g. a temp file left by a crash)
  std::optional<Digest> key;        // set when the file is a readable record
  std::optional<StepResult> result; // set with `key`
  int64_t created = 0;              // the record's "created" (unix seconds)
  int64_t last_used = 0;            // the file's mtime (unix seconds)
  uint64_t size = 0;                // bytes
};

class FileCacheIndex final : public CacheIndex {
 public:
  // Uses ROOT/cache, creating it (mode 0700) when missing.
  static StatusOr<FileCacheIndex> Open(const std::filesystem::path& root);

  FileCacheIndex(FileCacheIndex&&) = default;

  StatusOr<std::optional<StepResult>> Lookup(const Digest& key) override;
  Status Record(const Digest& key, const StepResult& result) override;

  const std::filesystem::path& dir() const { return dir_; }

  // Every file in the index directory, readable records or not, sorted by name.
  StatusOr<std::vector<CacheRecordFile>> List() const;
  // Deletes ROOT/cache/<file_name> (a name from List()); absent is success.
  Status RemoveFile(const std::string& file_name) const;

 private:
  explicit FileCacheIndex(std::filesystem::path dir) : dir_(std::move(dir)) {}
  std::filesystem::path PathFor(const Digest& key) const;

  std::filesystem::path dir_;
};

// An index in memory, for tests and `--no-cache` style runs that must not touch the root.
class InMemoryCacheIndex final : public CacheIndex {
 public:
  StatusOr<std::optional<StepResult>> Lookup(const Digest& key) override;
  Status Record(const Digest& key, const StepResult& result) override;
  size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::map<Digest, StepResult> records_;
};

}  // namespace mybuild::solver

#endif  // MYBUILD_SOLVER_CACHE_INDEX_H_

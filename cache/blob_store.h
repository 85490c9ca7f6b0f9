// The content-addressed blob store: layers, configs and manifests, each stored once under its SHA-256.
//
// On disk (under ROOT, the `--root` directory):
//   ROOT/blobs/sha256/<64 hex>   immutable blob contents, mode 0444; the name is the SHA-256 of the bytes
//   ROOT/ingest/<random>         blobs being written; leftovers from a killed process are garbage that GC
//                                (or the next Open) may delete, they are never read
//
// A blob becomes visible only once complete: a writer streams into ingest/, computing digest and size as it
// goes; Commit() fsyncs, verifies the expected digest/size when given, renames into blobs/sha256/ and fsyncs
// that directory. A blob that already exists makes Commit() succeed (and drops the ingest file), so two
// concurrent writers of the same content both succeed. A writer destroyed before Commit() removes its
// ingest file and nothing appears in blobs/.
//
// Blobs are addressed only by a parsed Digest (which admits "sha256:" + 64 lowercase hex digits and nothing
// else), so a string from a manifest can never name a path outside blobs/sha256/.
#ifndef MYBUILD_CACHE_BLOB_STORE_H_
#define MYBUILD_CACHE_BLOB_STORE_H_

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/base/digest.h"
#include "src/base/status.h"
#include "src/base/unique_fd.h"

namespace mybuild::cache {

// What a committed blob is: its digest and its size in bytes.
struct BlobInfo {
  Digest digest;
  uint64_t size = 0;
  bool operator==(const BlobInfo&) const = default;
};

// Streams one blob into ROOT/ingest/. Move-only; not thread-safe (one writer per thread).
class BlobWriter {
 public:
  BlobWriter() = default;
  ~BlobWriter();  // removes the ingest file unless committed
  BlobWriter(const BlobWriter&) = delete;
  BlobWriter& operator=(const BlobWriter&) = delete;
  BlobWriter(BlobWriter&& other) noexcept;
  BlobWriter& operator=(BlobWriter&& other) noexcept;

  // Appends bytes (buffered). Fails after Commit() or after an earlier error.
  Status Write(std::string_view bytes);
  // Bytes written so far.
  uint64_t size() const { return size_; }

  // Completes the blob. With `expected` (and/or `expected_size`) given, a mismatch is kDataLoss and
  // nothing becomes visible. After Commit() (successful or not) the writer is spent.
  StatusOr<BlobInfo> Commit(const std::optional<Digest>& expected = std::nullopt,
                            std::optional<uint64_t> expected_size = std::nullopt);

 private:
  friend class BlobStore;
  Status Flush();
  void Abort();

  std::filesystem::path root_;
  std::filesystem::path ingest_path_;
  UniqueFd fd_;
  Sha256 hash_;
  std::string buffer_;
  uint64_t size_ = 0;
  bool spent_ = true;
};

class BlobStore {
 public:
  // Creates ROOT/blobs/sha256 and ROOT/ingest when missing (mode 0700 for the root itself if created).
  static StatusOr<BlobStore> Open(const std::filesystem::path& root);
  // Opens an existing store only to read it (e.g. a cache directory that may be read-only): creates
  // nothing; writes through it fail.
  static StatusOr<BlobStore> OpenExisting(const std::filesystem::path& root);

  const std::filesystem::path& root() const { return root_; }

  StatusOr<BlobWriter> BeginWrite() const;
  // Stores `bytes` in one call (small blobs: configs, manifests).
  StatusOr<BlobInfo> Put(std::string_view bytes, const std::optional<Digest>& expected = std::nullopt) const;

  bool Has(const Digest& digest) const;
  // kNotFound when absent.
  StatusOr<uint64_t> Size(const Digest& digest) const;
  // A read-only fd positioned at the start of the blob; kNotFound when absent.
  StatusOr<UniqueFd> OpenRead(const Digest& digest) const;
  // Reads a whole blob of at most max_bytes (kResourceExhausted beyond) and verifies its digest
  // (kDataLoss on mismatch: the store was corrupted behind our back).
  StatusOr<std::string> ReadAll(const Digest& digest, uint64_t max_bytes) const;
  // Copies a blob of another store into this one, streaming, verifying digest and size on the way
  // (kDataLoss on mismatch: nothing becomes visible). Present here already = success.
  Status CopyFrom(const BlobStore& source, const Digest& digest) const;
  // Removes a blob (for GC). Absent is success.
  Status Delete(const Digest& digest) const;

  // Every committed blob with its size (for GC), sorted by digest. Names that are not 64 lowercase hex
  // digits are not blobs and are skipped.
  StatusOr<std::vector<BlobInfo>> List() const;

  // An ingest file: ROOT/ingest/<name>, `size` bytes.
  struct IngestFile {
    std::filesystem::path path;
    uint64_t size = 0;
  };
  // Ingest files not modified for `min_age_seconds`, sorted by path.
  StatusOr<std::vector<IngestFile>> ListIngest(int64_t min_age_seconds) const;
  // Deletes ingest files not modified for `min_age_seconds` (left by killed writers). Live writers keep
  // their files recent, so a generous age (an hour) never races with them; under the exclusive GC lock
  // (gc.h) no writer runs and every ingest file is a leftover (age 0). Returns how many were removed.
  StatusOr<size_t> RemoveStaleIngest(int64_t min_age_seconds) const;

  // ROOT/blobs/sha256/<hex>.
  std::filesystem::path BlobPath(const Digest& digest) const;

 private:
  explicit BlobStore(std::filesystem::path root) : root_(std::move(root)) {}
  std::filesystem::path root_;
};

}  // namespace mybuild::cache

#endif  // MYBUILD_CACHE_BLOB_STORE_H_

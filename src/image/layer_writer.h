// Deterministic layer tarballs: entries in, {diffID, blob descriptor} out, in one streaming pass.
//
// Entries may be added in any order; Write() sorts them by path, component by component (a directory
// comes right before its own contents: "a", "a/b", "a-b"). Only entry metadata is held in memory (a few
// hundred bytes each); file contents are pulled from each entry's ContentSource while the tar is written,
// so an 8,000-file, 200 MB layer needs a few MB of memory.
//
// The tar is fixed-form: libarchive's restricted PAX format (plain ustar headers, a PAX extended header
// only where ustar cannot hold a value: long names, large ids/sizes, xattrs, sparse maps), numeric uid/gid with empty
// uname/gname, whole-second mtimes clamped to source_date_epoch when set, no atime/ctime, directories
// named with a trailing '/', 10240-byte blocking. Hardlinks within the layer are re-pointed so that the
// first path of a group in sort order carries the content and later paths link to it.
//
// The uncompressed tar streams through SHA-256 (the diffID) and through the compressor, whose output
// streams into a BlobStore writer (which computes the blob digest and size) and is committed at the end.
#ifndef MYBUILD_IMAGE_LAYER_WRITER_H_
#define MYBUILD_IMAGE_LAYER_WRITER_H_

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cache/blob_store.h"
#include "src/base/digest.h"
#include "src/base/status.h"
#include "src/base/unique_fd.h"
#include "src/image/compression.h"
#include "src/image/descriptor.h"

namespace mybuild::image {

enum class EntryType { kFile, kDirectory, kSymlink, kHardlink, kCharDevice, kBlockDevice, kFifo };

// Streams a file's bytes by calling `write` for each chunk; must produce exactly the entry's size.
using ContentWriter = std::function<Status(std::string_view)>;
using ContentSource = std::function<Status(const ContentWriter& write)>;

// Content from memory (tests, small generated files).
ContentSource ContentFromString(std::string bytes);
// Opens a file whose bytes are an entry's content, only when the entry is written (so thousands of entries
// hold no fds). The snapshotter passes an opener that resolves inside the rootfs; this module never opens
// rootfs paths.
using FileOpener = std::function<StatusOr<UniqueFd>()>;

struct LayerEntry {
  std::string path;  // inside the layer, '/'-separated; leading "/" or "./" is dropped; ".." refused
  EntryType type = EntryType::kFile;
  uint32_t mode = 0644;  // permission bits incl. setuid/setgid/sticky (07777)
  uint32_t uid = 0;
  uint32_t gid = 0;
  uint64_t size = 0;        // kFile only; 0 for every other type
  int64_t mtime = 0;        // seconds since the epoch
  std::string link_target;  // kSymlink: the link text; kHardlink: the path of another entry in this layer
  std::map<std::string, std::string> xattrs;  // trusted.overlay.* and values over 64 KiB are refused
  uint32_t dev_major = 0;                     // kCharDevice / kBlockDevice
  uint32_t dev_minor = 0;
  ContentSource content;  // kFile with size > 0: the bytes as a stream, or
  FileOpener file;        // the bytes of a file: a file with holes becomes a PAX sparse entry (GNU.sparse 1.0,
                          // content-defined map, see sparse_map.h), so holes are never read, hashed or stored
};

// A whiteout deleting `path` (from lower layers): "dir/.wh.name".
LayerEntry WhiteoutEntry(std::string_view path);
// An opaque-directory marker hiding everything below `dir` from lower layers: "dir/.wh..wh..opq".
LayerEntry OpaqueWhiteoutEntry(std::string_view dir);

struct LayerOptions {
  Compression compression = Compression::kGzip;
  CompressionOptions levels;
  std::optional<int64_t> source_date_epoch;  // mtimes above it are clamped to it
};

struct LayerResult {
  Digest diff_id;  // SHA-256 of the uncompressed tar
  uint64_t uncompressed_size = 0;
  Descriptor blob;  // media type per compression, digest and size of the stored blob
};

class LayerWriter {
 public:
  explicit LayerWriter(LayerOptions options = {}) : options_(std::move(options)) {}

  // Validates and records an entry (path normalised; a duplicate path, a bad type/size combination or a
  // whiteout-looking name that is not a valid whiteout is kInvalidArgument).
  Status Add(LayerEntry entry);
  size_t entry_count() const { return entries_.size(); }

  // Writes the sorted tar through the compressor into `store`. The writer may be used only once.
  StatusOr<LayerResult> Write(const cache::BlobStore& store);
  // Writes the sorted uncompressed tar to `sink` (then closes it); returns its diffID and size.
  StatusOr<std::pair<Digest, uint64_t>> WriteTar(ByteSink& sink);

 private:
  Status ResolveHardlinks();

  LayerOptions options_;
  std::vector<LayerEntry> entries_;
  std::map<std::string, size_t> index_;  // path -> position in entries_
  bool used_ = false;
};

// Path normalisation shared with the exporters: drops a leading "/" or "./", collapses "//", refuses
// "..", ".", NUL, an empty result and paths over 4096 bytes.
StatusOr<std::string> NormalizeLayerPath(std::string_view path);
// Component-wise path order used for tar entries ('/' sorts before every other byte).
bool LayerPathLess(std::string_view a, std::string_view b);

}  // namespace mybuild::image

#endif  // MYBUILD_IMAGE_LAYER_WRITER_H_

// Which parts of a file hold data: the sparse map that a layer tar stores for a file with holes, so that
// a 16 GiB file with a few bytes in it costs a few bytes of tar, hash and compression, not 16 GiB.
//
// The map is defined by the content, not by the filesystem: the file is cut into aligned blocks of
// kSparseBlock bytes (the last one shorter), a block whose bytes are all zero is a hole, and consecutive
// data blocks form one extent. The same bytes give the same map (and so the same layer digest) whatever the
// filesystem's hole granularity and whether a zero block was allocated. Holes that the filesystem reports
// (SEEK_DATA/SEEK_HOLE) are known zero and never read; only the data extents are read.
//
// Only a file that has a hole on disk is examined at all (a dense file is read once, as a plain entry);
// a file whose map has no hole is also written as a plain entry.
#ifndef MYBUILD_BASE_SPARSE_MAP_H_
#define MYBUILD_BASE_SPARSE_MAP_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "src/base/status.h"

namespace mybuild {

inline constexpr uint64_t kSparseBlock = 64 << 10;

struct DataExtent {
  uint64_t offset = 0;
  uint64_t length = 0;
  bool operator==(const DataExtent&) const = default;
};

// Where `fd` (a regular file of `size` bytes) has data on disk: the SEEK_DATA/SEEK_HOLE extents in order.
// A filesystem without SEEK_DATA gives one extent over the whole file.
StatusOr<std::vector<DataExtent>> DiskExtents(int fd, uint64_t size);

// The content-defined map described above, or nullopt when the file is best written as a plain entry
// (no hole on disk, or no all-zero block).
StatusOr<std::optional<std::vector<DataExtent>>> SparseMapOf(int fd, uint64_t size);

// The content-defined map of bytes given block by block: `read(offset, length, out)` fills `out` with
// the bytes at [offset, offset+length); `disk` lists the ranges that may hold data (outside them, zero).
// Shared by SparseMapOf and its tests.
using BlockReader = std::function<Status(uint64_t offset, uint64_t length, char* out)>;
StatusOr<std::vector<DataExtent>> ContentMap(uint64_t size, const std::vector<DataExtent>& disk,
                                             const BlockReader& read);

// Streams the bytes of the map's data extents, in order, to `write` with their file offsets (holes skipped).
Status StreamData(int fd, const std::vector<DataExtent>& map,
                  const std::function<Status(uint64_t offset, std::string_view bytes)>& write);

// Streams the file's bytes, [0, size), to `write` in order: data extents read from `fd`, holes as runs
// of zeros from a static buffer (never materialised: a hole costs one call per MiB).
Status StreamWithHoles(int fd, uint64_t size, const std::vector<DataExtent>& map,
                       const std::function<Status(std::string_view)>& write);

// Copies the file `in` from its current offset to its end into `out` (at out's start), the data extents
// only (copy_file_range, else pread/pwrite), then sets out's size: holes stay holes, whatever their size.
Status CopyWithHoles(int in, int out);

}  // namespace mybuild

#endif  // MYBUILD_BASE_SPARSE_MAP_H_

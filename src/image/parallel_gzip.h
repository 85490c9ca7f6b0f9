// Internal to src/image: a gzip compressor that deflates fixed-size chunks of its input on several threads
// and joins them into ONE gzip member (RFC 1952), so that layer compression scales with cores.
//
// Format (the bytes depend only on the input, the level and kGzipChunkBytes — never on the number of
// threads or on how the input was split into Write() calls):
//   - header: 1f 8b 08 00, mtime 0, XFL (2 for level 9, 4 for level 1, else 0), OS 3 (Unix);
//   - the input is cut into chunks of kGzipChunkBytes (the last one shorter, possibly empty); each chunk is
//     deflated by a fresh raw zlib stream (window 15, memLevel 8, default strategy) primed with the last
//     32 KiB of the input before it (deflateSetDictionary), and ended with Z_SYNC_FLUSH (every chunk but
//     the last: blocks with BFINAL=0 plus an empty stored block, byte-aligned) or Z_FINISH (the last);
//   - trailer: CRC-32 (per-chunk CRCs joined with crc32_combine) and the size modulo 2^32, little-endian.
// Memory stays bounded: at most threads + 1 chunks (input and output) are in flight, plus the one filling.
#ifndef MYBUILD_IMAGE_PARALLEL_GZIP_H_
#define MYBUILD_IMAGE_PARALLEL_GZIP_H_

#include <cstddef>
#include <memory>

#include "src/base/status.h"
#include "src/image/compression.h"

namespace mybuild::image {

inline constexpr size_t kGzipChunkBytes = 1 << 20;

// `threads` <= 1 compresses on the calling thread (same bytes). `downstream` is not owned; Close() closes
// it. Writes to `downstream` happen on the calling thread, in order.
StatusOr<std::unique_ptr<ByteSink>> MakeParallelGzipCompressor(int level, int threads, ByteSink* downstream);

// The number of compression threads used when none is configured: the cores available, at most 4.
int DefaultGzipThreads();

}  // namespace mybuild::image

#endif  // MYBUILD_IMAGE_PARALLEL_GZIP_H_

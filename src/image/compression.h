// Streaming compression and decompression of layer blobs with linked libraries (zlib, libzstd), never
// with an external program. Settings are fixed so that the same input always gives the same bytes:
// gzip via zlib deflate of 1 MiB chunks on a few threads joined into one gzip member (level 6 by default;
// the exact format is in parallel_gzip.h: the bytes never depend on the number of threads); zstd at a
// fixed level, single-threaded, no checksum, no content size in the frame header.
#ifndef MYBUILD_IMAGE_COMPRESSION_H_
#define MYBUILD_IMAGE_COMPRESSION_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

#include "src/base/status.h"
#include "src/image/descriptor.h"

namespace mybuild::image {

// Receives a byte stream. Close() ends it (flushing whatever is buffered); nothing may be written after.
class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual Status Write(std::string_view bytes) = 0;
  virtual Status Close() = 0;
};

// A sink that calls a function for every chunk; Close() does nothing.
class FunctionSink : public ByteSink {
 public:
  explicit FunctionSink(std::function<Status(std::string_view)> write) : write_(std::move(write)) {}
  Status Write(std::string_view bytes) override { return write_(bytes); }
  Status Close() override { return Status::Ok(); }

 private:
  std::function<Status(std::string_view)> write_;
};

struct CompressionOptions {
  int gzip_level = 6;  // 1..9
  int zstd_level = 3;  // 1..19
  int gzip_threads = 0;  // 0: DefaultGzipThreads(); 1: compress on the calling thread (same bytes)
};

// A sink that compresses into `downstream` (not owned; Close() closes it too). kNone passes bytes through.
StatusOr<std::unique_ptr<ByteSink>> MakeCompressor(Compression compression, const CompressionOptions& options,
                                                   ByteSink* downstream);

// A sink that decompresses into `downstream` (not owned; Close() closes it too), refusing to produce more
// than `max_output` bytes (kResourceExhausted: a decompression bomb) and a zstd window above 128 MiB.
// Close() fails with kInvalidArgument when the compressed stream is truncated.
StatusOr<std::unique_ptr<ByteSink>> MakeDecompressor(Compression compression, ByteSink* downstream,
                                                     uint64_t max_output);

}  // namespace mybuild::image

#endif  // MYBUILD_IMAGE_COMPRESSION_H_

#include "src/image/compression.h"

#include <zlib.h>
#include <zstd.h>

#include <string>
#include <vector>

#include "src/image/parallel_gzip.h"

namespace mybuild::image {
namespace {

constexpr size_t kChunk = 1 << 17;

class PassThrough : public ByteSink {
 public:
  explicit PassThrough(ByteSink* downstream) : downstream_(downstream) {}
  Status Write(std::string_view bytes) override { return downstream_->Write(bytes); }
  Status Close() override { return downstream_->Close(); }

 private:
  ByteSink* downstream_;
};

class ZstdCompressor : public ByteSink {
 public:
  explicit ZstdCompressor(ByteSink* downstream) : downstream_(downstream), out_(ZSTD_CStreamOutSize()) {}
  ~ZstdCompressor() override { ZSTD_freeCCtx(ctx_); }
  Status Init(int level) {
    ctx_ = ZSTD_createCCtx();
    if (!ctx_ || ZSTD_isError(ZSTD_CCtx_setParameter(ctx_, ZSTD_c_compressionLevel, level)) ||
        ZSTD_isError(ZSTD_CCtx_setParameter(ctx_, ZSTD_c_checksumFlag, 0)) ||
        ZSTD_isError(ZSTD_CCtx_setParameter(ctx_, ZSTD_c_contentSizeFlag, 0))) {
      return Internal("zstd compressor set-up failed");
    }
    return Status::Ok();
  }
  Status Write(std::string_view bytes) override { return Run(bytes, ZSTD_e_continue); }
  Status Close() override {
    MB_RETURN_IF_ERROR(Run({}, ZSTD_e_end));
    return downstream_->Close();
  }

 private:
  Status Run(std::string_view bytes, ZSTD_EndDirective mode) {
    ZSTD_inBuffer in{bytes.data(), bytes.size(), 0};
    for (;;) {
      ZSTD_outBuffer out{out_.data(), out_.size(), 0};
      size_t remaining = ZSTD_compressStream2(ctx_, &out, &in, mode);
      if (ZSTD_isError(remaining)) return Internal(std::string("zstd: ") + ZSTD_getErrorName(remaining));
      if (out.pos > 0) MB_RETURN_IF_ERROR(downstream_->Write(std::string_view(out_.data(), out.pos)));
      if (mode == ZSTD_e_end ? remaining == 0 : in.pos == in.size) break;
    }
    return Status::Ok();
  }

  ByteSink* downstream_;
  ZSTD_CCtx* ctx_ = nullptr;
  std::vector<char> out_;
};

// Counts output against the bound before passing it on.
class BoundedOutput {
 public:
  BoundedOutput(ByteSink* downstream, uint64_t max_output) : downstream_(downstream), max_(max_output) {}
  Status Write(std::string_view bytes) {
    total_ += bytes.size();
    if (total_ > max_) {
      return ResourceExhausted("decompressed layer exceeds the limit of " + std::to_string(max_) + " bytes");
    }
    return downstream_->Write(bytes);
  }
  ByteSink* downstream() { return downstream_; }

 private:
  ByteSink* downstream_;
  uint64_t max_;
  uint64_t total_ = 0;
};

class BoundedPassThrough : public ByteSink {
 public:
  BoundedPassThrough(ByteSink* downstream, uint64_t max_output) : out_(downstream, max_output) {}
  Status Write(std::string_view bytes) override { return out_.Write(bytes); }
  Status Close() override { return out_.downstream()->Close(); }

 private:
  BoundedOutput out_;
};

class GzipDecompressor : public ByteSink {
 public:
  GzipDecompressor(ByteSink* downstream, uint64_t max_output)
      : out_(downstream, max_output), buffer_(kChunk) {}
  ~GzipDecompressor() override {
    if (initialised_) inflateEnd(&stream_);
  }
  Status Init() {
    if (inflateInit2(&stream_, 15 + 16) != Z_OK) return Internal("inflateInit2 failed");
    initialised_ = true;
    return Status::Ok();
  }
  Status Write(std::string_view bytes) override {
    stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    stream_.avail_in = static_cast<uInt>(bytes.size());
    while (stream_.avail_in > 0) {
      if (ended_) {
        // Another gzip member follows (concatenated gzip is valid gzip).
        if (inflateReset(&stream_) != Z_OK) return Internal("inflateReset failed");
        ended_ = false;
      }
      stream_.next_out = buffer_.data();
      stream_.avail_out = static_cast<uInt>(buffer_.size());
      int rc = inflate(&stream_, Z_NO_FLUSH);
      if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
        return InvalidArgument(std::string("gzip stream is corrupt: ") +
                               (stream_.msg ? stream_.msg : "inflate failed"));
      }
      size_t produced = buffer_.size() - stream_.avail_out;
      if (produced > 0) {
        MB_RETURN_IF_ERROR(out_.Write(std::string_view(reinterpret_cast<char*>(buffer_.data()), produced)));
      }
      if (rc == Z_STREAM_END)
        ended_ = true;
      else if (rc == Z_BUF_ERROR && produced == 0)
        break;
    }
    return Status::Ok();
  }
  Status Close() override {
    // Drain output that did not fit into the last buffer.
    for (;;) {
      if (ended_) break;
      stream_.next_in = nullptr;
      stream_.avail_in = 0;
      stream_.next_out = buffer_.data();
      stream_.avail_out = static_cast<uInt>(buffer_.size());
      int rc = inflate(&stream_, Z_NO_FLUSH);
      size_t produced = buffer_.size() - stream_.avail_out;
      if (produced > 0) {
        MB_RETURN_IF_ERROR(out_.Write(std::string_view(reinterpret_cast<char*>(buffer_.data()), produced)));
      }
      if (rc == Z_STREAM_END) {
        ended_ = true;
        break;
      }
      if (produced == 0) return InvalidArgument("gzip stream is truncated");
    }
    return out_.downstream()->Close();
  }

 private:
  BoundedOutput out_;
  z_stream stream_{};
  bool initialised_ = false;
  bool ended_ = false;
  std::vector<Bytef> buffer_;
};

class ZstdDecompressor : public ByteSink {
 public:
  ZstdDecompressor(ByteSink* downstream, uint64_t max_output)
      : out_(downstream, max_output), buffer_(ZSTD_DStreamOutSize()) {}
  ~ZstdDecompressor() override { ZSTD_freeDCtx(ctx_); }
  Status Init() {
    ctx_ = ZSTD_createDCtx();
    if (!ctx_ || ZSTD_isError(ZSTD_DCtx_setParameter(ctx_, ZSTD_d_windowLogMax, 27))) {
      return Internal("zstd decompressor set-up failed");
    }
    return Status::Ok();
  }
  Status Write(std::string_view bytes) override {
    if (bytes.empty()) return Status::Ok();
    started_ = true;
    return Run(bytes);
  }
  Status Close() override {
    // Run() drains all output for its input, so only an unfinished frame can remain.
    if (pending_ != 0 || !started_) return InvalidArgument("zstd stream is truncated");
    return out_.downstream()->Close();
  }

 private:
  Status Run(std::string_view bytes) {
    ZSTD_inBuffer in{bytes.data(), bytes.size(), 0};
    for (;;) {
      ZSTD_outBuffer out{buffer_.data(), buffer_.size(), 0};
      size_t rc = ZSTD_decompressStream(ctx_, &out, &in);
      if (ZSTD_isError(rc))
        return InvalidArgument(std::string("zstd stream is corrupt: ") + ZSTD_getErrorName(rc));
      pending_ = rc;
      if (out.pos > 0) MB_RETURN_IF_ERROR(out_.Write(std::string_view(buffer_.data(), out.pos)));
      if (in.pos == in.size && out.pos < out.size) break;
    }
    return Status::Ok();
  }

  BoundedOutput out_;
  ZSTD_DCtx* ctx_ = nullptr;
  size_t pending_ = 0;
  bool started_ = false;
  std::vector<char> buffer_;
};

}  // namespace

StatusOr<std::unique_ptr<ByteSink>> MakeCompressor(Compression compression, const CompressionOptions& options,
                                                   ByteSink* downstream) {
  switch (compression) {
    case Compression::kNone: return std::unique_ptr<ByteSink>(std::make_unique<PassThrough>(downstream));
    case Compression::kGzip: {
      if (options.gzip_level < 1 || options.gzip_level > 9) {
        return InvalidArgument("gzip level " + std::to_string(options.gzip_level) + ": expected 1..9");
      }
      int threads = options.gzip_threads > 0 ? options.gzip_threads : DefaultGzipThreads();
      return MakeParallelGzipCompressor(options.gzip_level, threads, downstream);
    }
    case Compression::kZstd: {
      if (options.zstd_level < 1 || options.zstd_level > 19) {
        return InvalidArgument("zstd level " + std::to_string(options.zstd_level) + ": expected 1..19");
      }
      auto sink = std::make_unique<ZstdCompressor>(downstream);
      MB_RETURN_IF_ERROR(sink->Init(options.zstd_level));
      return std::unique_ptr<ByteSink>(std::move(sink));
    }
  }
  return InvalidArgument("unknown compression");
}

StatusOr<std::unique_ptr<ByteSink>> MakeDecompressor(Compression compression, ByteSink* downstream,
                                                     uint64_t max_output) {
  switch (compression) {
    case Compression::kNone:
      return std::unique_ptr<ByteSink>(std::make_unique<BoundedPassThrough>(downstream, max_output));
    case Compression::kGzip: {
      auto sink = std::make_unique<GzipDecompressor>(downstream, max_output);
      MB_RETURN_IF_ERROR(sink->Init());
      return std::unique_ptr<ByteSink>(std::move(sink));
    }
    case Compression::kZstd: {
      auto sink = std::make_unique<ZstdDecompressor>(downstream, max_output);
      MB_RETURN_IF_ERROR(sink->Init());
      return std::unique_ptr<ByteSink>(std::move(sink));
    }
  }
  return InvalidArgument("unknown compression");
}

}  // namespace mybuild::image

#include "src/image/layer_recompress.h"

#include <unistd.h>

#include <memory>

namespace mybuild::image {
namespace {

// Hashes the uncompressed stream on its way to the compressor.
class HashingSink : public ByteSink {
 public:
  explicit HashingSink(ByteSink* downstream) : downstream_(downstream) {}
  Status Write(std::string_view bytes) override {
    hash_.Update(bytes.data(), bytes.size());
    return downstream_->Write(bytes);
  }
  Status Close() override { return downstream_->Close(); }
  Digest Finish() { return hash_.Finish(); }

 private:
  ByteSink* downstream_;
  Sha256 hash_;
};

}  // namespace

StatusOr<Descriptor> RecompressLayer(const cache::BlobStore& blobs, const Descriptor& layer, const Digest& diff_id,
                                     Compression to, const CompressionOptions& options) {
  MB_ASSIGN_OR_RETURN(Compression from, CompressionOfMediaType(layer.media_type));
  if (from == to) return layer;

  MB_ASSIGN_OR_RETURN(cache::BlobWriter writer, blobs.BeginWrite());
  FunctionSink blob_sink([&writer](std::string_view bytes) { return writer.Write(bytes); });
  MB_ASSIGN_OR_RETURN(std::unique_ptr<ByteSink> compressor, MakeCompressor(to, options, &blob_sink));
  HashingSink hashing(compressor.get());
  MB_ASSIGN_OR_RETURN(std::unique_ptr<ByteSink> decompressor,
                      MakeDecompressor(from, &hashing, kMaxRecompressedLayerBytes));

  MB_ASSIGN_OR_RETURN(UniqueFd fd, blobs.OpenRead(layer.digest));
  constexpr size_t kChunk = 1 << 20;
  std::unique_ptr<char[]> buffer(new char[kChunk]);
  Sha256 stored;
  for (;;) {
    ssize_t n = ::read(fd.get(), buffer.get(), kChunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("read blob " + layer.digest.ToString());
    }
    if (n == 0) break;
    stored.Update(buffer.get(), static_cast<size_t>(n));
    MB_RETURN_IF_ERROR(decompressor->Write(std::string_view(buffer.get(), static_cast<size_t>(n))));
  }
  MB_RETURN_IF_ERROR(decompressor->Close());  // closes the hashing sink and the compressor too
  if (stored.Finish() != layer.digest) {
    return DataLoss("stored blob " + layer.digest.ToString() + " does not match its digest");
  }
  if (hashing.Finish() != diff_id) {
    return DataLoss("layer " + layer.digest.ToString() + " does not decompress to its diff_id " + diff_id.ToString());
  }
  MB_ASSIGN_OR_RETURN(cache::BlobInfo info, writer.Commit());
  Descriptor out = layer;
  out.media_type = std::string(LayerMediaType(to));
  out.digest = info.digest;
  out.size = static_cast<int64_t>(info.size);
  return out;
}

}  // namespace mybuild::image

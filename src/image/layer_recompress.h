// Re-encoding a stored layer blob in another compression (`-o …,compression=zstd` when the cached layer
// was stored gzip). The uncompressed tar, and so the diff_id, stays the same; the compressors' fixed
// settings (compression.h) make the new blob the same bytes as a layer written in that compression.
#ifndef MYBUILD_IMAGE_LAYER_RECOMPRESS_H_
#define MYBUILD_IMAGE_LAYER_RECOMPRESS_H_

#include <cstdint>

#include "cache/blob_store.h"
#include "src/base/digest.h"
#include "src/base/status.h"
#include "src/image/compression.h"
#include "src/image/descriptor.h"

namespace mybuild::image {

// Upper bound for one uncompressed layer while re-encoding (a decompression bomb fails instead).
inline constexpr uint64_t kMaxRecompressedLayerBytes = 64ull << 30;

// Streams blob `layer` (an OCI or Docker layer media type) through its decompressor and a compressor for
// `to` into a new blob of `blobs`, and returns its descriptor (OCI media type of `to`). A layer already
// in `to` is returned unchanged. The decompressed bytes must hash to `diff_id` (kDataLoss otherwise).
// kInvalidArgument for a media type that is not a layer.
StatusOr<Descriptor> RecompressLayer(const cache::BlobStore& blobs, const Descriptor& layer, const Digest& diff_id,
                                     Compression to, const CompressionOptions& options = {});

}  // namespace mybuild::image

#endif  // MYBUILD_IMAGE_LAYER_RECOMPRESS_H_

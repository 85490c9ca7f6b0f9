// Compressed variants of stored layers: the local store keeps the layers a build makes uncompressed (as
// docker's own store does), so that a build into the store never waits for compression nobody asked for;
// an export (OCI or docker archive, a registry push, a cache export) asks for the image in a compression,
// and each layer is compressed once per (diff_id, compression, level) and remembered.
//
// On disk: ROOT/variants/<source digest hex>/<gzip-6|zstd-3|none>, each holding the digest of the
// source's variant in that encoding (written atomically): for a layer blob its encoded blob, for an image
// manifest the manifest over the encoded layers. An entry whose blob is gone is recomputed; the
// compressors are deterministic (compression.h), so a recomputed variant is the same bytes. Prune keeps
// the variants of what it keeps (MarkVariants), so repeated exports of a kept image compress nothing.
#ifndef MYBUILD_IMAGE_LAYER_VARIANTS_H_
#define MYBUILD_IMAGE_LAYER_VARIANTS_H_

#include <set>
#include <string>

#include "cache/blob_store.h"
#include "src/base/digest.h"
#include "src/base/status.h"
#include "src/image/compression.h"
#include "src/image/descriptor.h"
#include "src/image/image_store.h"
#include "src/image/layer_writer.h"

namespace mybuild::image {

// What an export asks layers to be in. With `force`, layers already compressed another way are
// re-encoded too (buildx's force-compression=true); without, only uncompressed layers are compressed.
struct LayerEncoding {
  Compression compression = Compression::kGzip;
  CompressionOptions levels;
  bool force = false;
};

// `options` writing layers in `encoding`'s compression and levels (the rest of `options` stays).
LayerOptions WithEncoding(LayerOptions options, const LayerEncoding& encoding);

// `layer` (whose uncompressed tar hashes to `diff_id`) in `encoding`'s compression: itself when it needs
// no change, else the remembered variant, else a new one (RecompressLayer), remembered.
StatusOr<Descriptor> LayerInEncoding(const cache::BlobStore& blobs, const Descriptor& layer, const Digest& diff_id,
                                     const LayerEncoding& encoding);

// The stored image `manifest_digest` with every layer in `encoding` (same config, so the same image ID),
// stored as a manifest of its own; the image itself when no layer changes.
StatusOr<StoredImage> ImageInEncoding(const cache::BlobStore& blobs, const Digest& manifest_digest,
                                      const LayerEncoding& encoding);

// ImageInEncoding's manifest digest for an image manifest; an index (its images stay as stored) is
// returned unchanged.
StatusOr<Digest> ManifestInEncoding(const cache::BlobStore& blobs, const Digest& manifest_digest,
                                    const LayerEncoding& encoding);

// Garbage collection (cache/gc.h): adds to `live` the variants of every live source, and (unless
// `dry_run`) deletes the entries of sources that are not live. Variants of variants are not made, so
// one pass reaches every variant that stays.
Status MarkVariants(const cache::BlobStore& blobs, std::set<Digest>& live, bool dry_run);

}  // namespace mybuild::image

#endif  // MYBUILD_IMAGE_LAYER_VARIANTS_H_

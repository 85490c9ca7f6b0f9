// Writing images from the blob store as OCI image layouts and docker archives, and loading such
// archives back into the store.
//
// Formats written (all entries deterministic: see tar_output.h; same images and names => same bytes):
//   OCI archive (tar) / OCI directory:
//     oci-layout                {"imageLayoutVersion":"1.0.0"}
//     index.json                one manifest descriptor per image and name, annotated with
//                               io.containerd.image.name (full reference) and
//                               org.opencontainers.image.ref.name (the tag), as BuildKit and containerd do
//     blobs/sha256/<hex>        manifests, configs and layer blobs exactly as stored
//   Docker archive (what `docker save` writes and `docker load` / `skopeo ... docker-archive:` read):
//     manifest.json             [{"Config":"<config hex>.json","RepoTags":[familiar names],
//                                 "Layers":["<diffID hex>/layer.tar",...]}]
//     <config hex>.json         the image config
//     <diffID hex>/layer.tar    the UNCOMPRESSED layer (compressed blobs are decompressed while streaming,
//                               after a first pass that checks their diffID and measures them)
// Blobs stream from the store (never whole in memory) and are re-verified against their digests on the
// way out; a corrupt store ends the export with kDataLoss.
#ifndef MYBUILD_IMAGE_EXPORTERS_H_
#define MYBUILD_IMAGE_EXPORTERS_H_

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "cache/blob_store.h"
#include "src/base/digest.h"
#include "src/base/status.h"

namespace mybuild::image {

// One image to export: its manifest digest and the names (references, normalised on use) to give it.
struct ExportImage {
  Digest manifest;
  std::vector<std::string> names;
};

// Each writer streams to `fd` (not closed), e.g. stdout. The path variants write PATH.tmp-XXXXXX beside
// PATH, fsync, and rename over PATH, so PATH never holds a partial archive.
Status WriteOciArchive(const cache::BlobStore& store, const std::vector<ExportImage>& images, int fd);
Status WriteOciArchive(const cache::BlobStore& store, const std::vector<ExportImage>& images,
                       const std::filesystem::path& path);
Status WriteDockerArchive(const cache::BlobStore& store, const std::vector<ExportImage>& images, int fd);
Status WriteDockerArchive(const cache::BlobStore& store, const std::vector<ExportImage>& images,
                          const std::filesystem::path& path);
// Writes (or adds to: blobs already present are kept, index.json is replaced) an OCI layout directory.
Status WriteOciDirectory(const cache::BlobStore& store, const std::vector<ExportImage>& images,
                         const std::filesystem::path& dir);

struct LoadedImage {
  Digest manifest;
  std::vector<std::string> names;  // normalised references found in the archive (may be empty)
};

struct LoadLimits {
  uint64_t max_entries = 100000;
  uint64_t max_total_bytes = 64ull << 30;  // all entry contents together
  uint64_t max_layer_uncompressed = 64ull << 30;
};

// Reads an OCI-layout or docker-archive tarball (optionally gzip/zstd-compressed) from `fd` into the
// store. Every blob is verified while streaming (OCI: against its file name; docker: config against its
// name where that is a digest), every manifest/config is ≤ 4 MiB and parsed from the verified bytes, every
// layer's uncompressed digest must equal the config's diff_id. A docker archive's images are given OCI
// manifests (stored in the store). Entries outside the expected layout are ignored; entry names with
// "..", absolute paths, links leading outside the archive are refused.
StatusOr<std::vector<LoadedImage>> LoadArchive(const cache::BlobStore& store, int fd,
                                               const LoadLimits& limits = {});
StatusOr<std::vector<LoadedImage>> LoadArchive(const cache::BlobStore& store,
                                               const std::filesystem::path& path,
                                               const LoadLimits& limits = {});

// Streams a layer blob through its decompressor and returns the uncompressed digest (the diffID) and size.
StatusOr<std::pair<Digest, uint64_t>> UncompressedDigest(const cache::BlobStore& store, const Digest& blob,
                                                         std::string_view media_type,
                                                         uint64_t max_uncompressed);

}  // namespace mybuild::image

#endif  // MYBUILD_IMAGE_EXPORTERS_H_

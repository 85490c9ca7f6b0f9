// Writing a built image where -o asked: OCI or docker tarballs, the final filesystem as a directory
// (type=local) or as one tar (type=tar).
#ifndef MYBUILD_CLI_BUILD_EXPORT_H_
#define MYBUILD_CLI_BUILD_EXPORT_H_

#include <filesystem>
#include <string>
#include <vector>

#include "cache/blob_store.h"
#include "src/base/digest.h"
#include "src/cli/output_spec.h"
#include "src/image/image_store.h"

namespace mybuild::cli {

// Writes `image` (as the store keeps it) to `output` and returns the manifest digest written: OCI and
// docker archives and registries get the image in the output's encoding (gzip unless compression= says
// otherwise; layers compressed once and remembered, layer_variants.h), type=local and type=tar the
// stored image's filesystem.
StatusOr<Digest> ExportBuild(const OutputSpec& output, const cache::BlobStore& blobs, const image::StoredImage& image,
                             const std::vector<std::string>& names, const std::filesystem::path& scratch_dir);

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_BUILD_EXPORT_H_

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
#include "src/image/manifest.h"

namespace mybuild::cli {

Status ExportBuild(const OutputSpec& output, const cache::BlobStore& blobs, const Digest& manifest_digest,
                   const image::Manifest& manifest, const std::vector<std::string>& names,
                   const std::filesystem::path& scratch_dir);

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_BUILD_EXPORT_H_

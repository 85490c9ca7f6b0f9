// `-o/--output` values as `docker buildx build` takes them: "type=oci,dest=out.tar", "type=local,dest=DIR",
// a bare path (= type=local,dest=PATH), "-" (= type=tar,dest=-), "type=registry[,name=REF[,REF2]]
// [,registry.insecure=true]" (= type=image,push=true: push the image; --push is its shorthand).
#ifndef MYBUILD_CLI_OUTPUT_SPEC_H_
#define MYBUILD_CLI_OUTPUT_SPEC_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "src/base/status.h"
#include "src/image/layer_variants.h"

namespace mybuild::cli {

struct OutputSpec {
  enum class Type { kOci, kDocker, kLocal, kTar, kImage, kRegistry };
  Type type = Type::kImage;
  std::string dest;  // path, or "-" for standard output
  // compression=gzip|zstd|uncompressed, compression-level=N, force-compression=true: the layers' encoding
  // in this output (unset: gzip for archives and registries; the store keeps built layers uncompressed).
  std::optional<image::LayerEncoding> encoding;
  std::string name;  // name=… (extra image names for oci/docker/image; for registry, comma-separated)
  bool insecure = false;  // registry.insecure=true: plain http to the registry
};

StatusOr<OutputSpec> ParseOutputSpec(const std::string& text);

// The encoding the first output that writes layers (an oci or docker archive, a registry push) asks for;
// nullopt when no output does (the image store keeps layers as built).
std::optional<image::LayerEncoding> ExportEncoding(const std::vector<OutputSpec>& outputs);

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_OUTPUT_SPEC_H_

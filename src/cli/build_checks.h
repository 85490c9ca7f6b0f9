// Build checks from the command line: `mybuild build --check` (= `--call=check`), and the warnings every
// build prints before its steps and counts after them.
#ifndef MYBUILD_CLI_BUILD_CHECKS_H_
#define MYBUILD_CLI_BUILD_CHECKS_H_

#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "src/base/status.h"
#include "src/checks/check_rule.h"
#include "cache/blob_store.h"
#include "src/cli/build_options.h"
#include "src/cli/global_options.h"
#include "src/image/image_store.h"
#include "src/cli/dockerfile_source.h"
#include "src/frontend/ast.h"

namespace mybuild::cli {

struct CheckOutcome {
  std::vector<checks::Finding> findings;
  bool error = false;  // `error=true` was configured and something fired
};

// Base image platforms from a local store's tags (a reference not tagged there has none).
class StoreImagePlatforms : public checks::BaseImagePlatforms {
 public:
  StoreImagePlatforms(const cache::BlobStore& blobs, const image::ImageStore& images) : blobs_(blobs), images_(images) {}
  std::optional<std::string> PlatformOf(const std::string& reference) const override;

 private:
  const cache::BlobStore& blobs_;
  const image::ImageStore& images_;
};

// The checks of a parsed Dockerfile with its context's ignore file content and the build args; with
// `images`, the base images' platforms are compared with `target_platform` ("" = the host's).
StatusOr<CheckOutcome> EvaluateChecks(const frontend::Dockerfile& dockerfile, const std::string& dockerignore,
                                      const std::map<std::string, std::string>& build_args,
                                      const checks::BaseImagePlatforms* images = nullptr,
                                      const std::string& target_platform = "");

// Prints findings: detailed (source line, caret, hint) or one line each; in rawjson one event per finding.
void PrintFindings(const std::vector<checks::Finding>& findings, const std::string& source, bool detailed,
                   const std::string& progress, std::ostream& out);

// The Dockerfile of a `--call` (-f, else CONTEXT/Dockerfile; "-" is stdin), read and parsed.
struct LoadedDockerfile {
  DockerfileSource source;
  frontend::Dockerfile dockerfile;
};
StatusOr<LoadedDockerfile> LoadDockerfile(const BuildOptions& options);

// `mybuild build --check CONTEXT`: exit 0 with only warnings, 1 when error=true and any fired (or on error).
// The local store (when the root exists; nothing is created) gives InvalidBaseImagePlatform its images.
int RunCheckOnly(const GlobalOptions& global, const BuildOptions& options);

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_BUILD_CHECKS_H_

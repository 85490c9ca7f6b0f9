// Reading the Dockerfile a user named: a path, or "-" for standard input.
#ifndef MYBUILD_CLI_DOCKERFILE_SOURCE_H_
#define MYBUILD_CLI_DOCKERFILE_SOURCE_H_

#include <string>

#include "src/base/status.h"

namespace mybuild::cli {

struct DockerfileSource {
  std::string name;  // as shown in error locations ("Dockerfile", "-" → "<stdin>")
  std::string text;
};

// Dockerfiles larger than this are refused (the reference's limit is far lower per line; this bounds memory).
inline constexpr uint64_t kMaxDockerfileBytes = 64ull << 20;

StatusOr<DockerfileSource> ReadDockerfile(const std::string& path);

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_DOCKERFILE_SOURCE_H_

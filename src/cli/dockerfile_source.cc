#include "src/cli/dockerfile_source.h"

#include <iostream>
#include <iterator>

#include "src/base/files.h"

namespace mybuild::cli {

StatusOr<DockerfileSource> ReadDockerfile(const std::string& path) {
  if (path == "-") {
    std::string text;
    char buffer[1 << 16];
    while (std::cin.read(buffer, sizeof buffer) || std::cin.gcount() > 0) {
      text.append(buffer, std::cin.gcount());
      if (text.size() > kMaxDockerfileBytes) return ResourceExhausted("the Dockerfile on stdin is too large");
    }
    return DockerfileSource{"<stdin>", std::move(text)};
  }
  StatusOr<std::string> text = ReadFile(path, kMaxDockerfileBytes);
  if (!text.ok()) return text.status().WithContext("cannot read Dockerfile");
  return DockerfileSource{path, std::move(*text)};
}

}  // namespace mybuild::cli

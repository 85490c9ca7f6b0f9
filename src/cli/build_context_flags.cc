#include "src/cli/build_context_flags.h"

#include <filesystem>

namespace mybuild::cli {

StatusOr<std::map<std::string, compose::NamedContext>> ParseBuildContextFlags(const std::vector<std::string>& items) {
  std::map<std::string, compose::NamedContext> contexts;
  for (const std::string& item : items) {
    const size_t equals = item.find('=');
    if (equals == std::string::npos || equals == 0 || equals + 1 == item.size()) {
      return InvalidArgument("--build-context \"" + item + "\": expected NAME=DIR or NAME=docker-image://REF");
    }
    const std::string name = item.substr(0, equals);
    const std::string value = item.substr(equals + 1);
    compose::NamedContext context;
    if (value.rfind("docker-image://", 0) == 0) {
      context.kind = compose::NamedContext::Kind::kImage;
      context.value = value.substr(15);
      if (context.value.empty()) return InvalidArgument("--build-context " + name + ": docker-image:// names no image");
    } else if (value.find("://") != std::string::npos || value.rfind("git@", 0) == 0 || value.rfind("target:", 0) == 0) {
      return Unimplemented("--build-context " + name + "=" + value +
                           ": only a local directory or docker-image://REF is supported");
    } else {
      std::error_code error;
      const std::filesystem::path dir = std::filesystem::absolute(value, error);
      if (error || !std::filesystem::is_directory(dir, error)) {
        return InvalidArgument("--build-context " + name + "=" + value + ": not a directory");
      }
      context.kind = compose::NamedContext::Kind::kDirectory;
      context.value = dir.lexically_normal().string();
    }
    if (!contexts.emplace(name, context).second) {
      return InvalidArgument("--build-context " + name + " is given twice");
    }
  }
  return contexts;
}

}  // namespace mybuild::cli

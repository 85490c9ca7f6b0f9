#include "src/fileops/path_filter.h"

#include <fcntl.h>
#include <unistd.h>

namespace mybuild::fileops {

StatusOr<DockerIgnoreFilter> DockerIgnoreFilter::FromPatterns(const std::vector<std::string>& patterns) {
  StatusOr<frontend::DockerIgnore> ignore = frontend::DockerIgnore::FromPatterns(patterns);
  if (!ignore.ok()) return InvalidArgument("invalid exclude pattern: " + ignore.status().message());
  return DockerIgnoreFilter(std::move(ignore).value());
}

StatusOr<DockerIgnoreFilter> DockerIgnoreFilter::FromDockerignore(std::string_view text) {
  StatusOr<frontend::DockerIgnore> ignore = frontend::DockerIgnore::Parse(text);
  if (!ignore.ok()) return InvalidArgument("invalid .dockerignore: " + ignore.status().message());
  return DockerIgnoreFilter(std::move(ignore).value());
}

StatusOr<DockerIgnoreFilter> DockerIgnoreFilter::Load(const snapshotter::RootFs& context, std::string_view name) {
  StatusOr<UniqueFd> fd = context.Open(name, O_RDONLY, /*follow_final=*/true);
  if (!fd.ok()) {
    if (fd.status().code() == StatusCode::kNotFound) return DockerIgnoreFilter(frontend::DockerIgnore());
    return fd.status();
  }
  std::string text;
  char buffer[1 << 16];
  while (true) {
    ssize_t n = ::read(fd->get(), buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("read " + std::string(name));
    }
    if (n == 0) break;
    if (text.size() + static_cast<size_t>(n) > kMaxDockerignoreBytes) {
      return ResourceExhausted(std::string(name) + " is larger than " + std::to_string(kMaxDockerignoreBytes) + " bytes");
    }
    text.append(buffer, static_cast<size_t>(n));
  }
  return FromDockerignore(text);
}

}  // namespace mybuild::fileops

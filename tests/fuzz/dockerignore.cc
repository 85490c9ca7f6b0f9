// Fuzz target "dockerignore": any bytes as a .dockerignore file, matched against paths.
//
// Input: the text before the first NUL byte is the .dockerignore content; the NUL-separated pieces after
// it are the paths to match (at most kMaxPaths). Without paths, each pattern's own text is matched.
//
// Checks: loading returns patterns or an error naming the bad one, never crashes; the root "." is never
// excluded; a leading "./" does not change the decision for a relative path; and the walker's shortcut is
// sound: when a directory is excluded and MayReincludeBelow says nothing below can come back, every
// path below it is excluded too (source_selection.cc skips such a directory without looking inside).
#include <string>
#include <vector>

#include "src/frontend/dockerignore.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

constexpr size_t kMaxPaths = 64;

// The components of a path that is already clean (no empty, "." or ".." component); empty otherwise.
std::vector<std::string_view> CleanComponents(std::string_view path) {
  std::vector<std::string_view> components;
  while (true) {
    const size_t slash = path.find('/');
    const std::string_view component = path.substr(0, slash);
    if (component.empty() || component == "." || component == "..") return {};
    components.push_back(component);
    if (slash == std::string_view::npos) return components;
    path.remove_prefix(slash + 1);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using mybuild::frontend::DockerIgnore;
  std::string_view input = mybuild::fuzz::AsText(data, size);
  const size_t nul = input.find('\0');
  const std::string_view content = input.substr(0, nul);

  mybuild::StatusOr<DockerIgnore> ignore = DockerIgnore::Parse(content);
  if (!ignore.ok()) {
    FUZZ_CHECK(!ignore.status().message().empty());
    return 0;
  }

  std::vector<std::string> paths;
  if (nul != std::string_view::npos) {
    input.remove_prefix(nul + 1);
    while (!input.empty() && paths.size() < kMaxPaths) {
      const size_t end = input.find('\0');
      paths.emplace_back(input.substr(0, end));
      input.remove_prefix(end == std::string_view::npos ? input.size() : end + 1);
    }
  } else {
    for (const auto& pattern : ignore->patterns()) {
      if (paths.size() == kMaxPaths) break;
      paths.push_back(pattern.text());
    }
  }

  FUZZ_CHECK(!ignore->Excluded("."));
  for (const std::string& path : paths) {
    const bool excluded = ignore->Excluded(path);
    if (!path.empty() && path[0] != '/') {
      FUZZ_CHECK(ignore->Excluded("./" + path) == excluded, "\"./\" changes the decision for " + path);
    }
    const std::vector<std::string_view> components = CleanComponents(path);
    std::string dir;
    for (size_t i = 0; i + 1 < components.size(); ++i) {
      if (i > 0) dir += '/';
      dir += components[i];
      if (ignore->Excluded(dir) && !ignore->MayReincludeBelow(dir)) {
        FUZZ_CHECK(excluded, path + " is kept, but its excluded parent " + dir + " is skipped as a whole");
      }
    }
  }
  return 0;
}

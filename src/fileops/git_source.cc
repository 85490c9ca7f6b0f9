#include "src/fileops/git_source.h"

#include <vector>

namespace mybuild::fileops {
namespace {

bool HasControlOrSpace(std::string_view text) {
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7f) return true;
  }
  return false;
}

// git check-ref-format's rules, plus no leading '-' (it would be read as an option).
bool IsValidRef(std::string_view ref) {
  if (ref.empty()) return true;
  if (ref.front() == '-' || ref.front() == '/' || ref.back() == '/' || ref.back() == '.') return false;
  if (HasControlOrSpace(ref)) return false;
  if (ref.find("..") != std::string_view::npos || ref.find("@{") != std::string_view::npos ||
      ref.find("//") != std::string_view::npos || ref == "@") {
    return false;
  }
  for (char c : ref) {
    if (c == '~' || c == '^' || c == ':' || c == '?' || c == '*' || c == '[' || c == '\\') return false;
  }
  size_t start = 0;
  while (start <= ref.size()) {
    size_t slash = ref.find('/', start);
    std::string_view part = ref.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (part.empty() || part.front() == '.') return false;
    if (part.size() >= 5 && part.substr(part.size() - 5) == ".lock") return false;
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return true;
}

// "/a/./b/" → "a/b"; nullopt-like failure (returns false) on ".." or a leading '-'.
bool NormaliseSubdir(std::string_view subdir, std::string& out) {
  out.clear();
  if (HasControlOrSpace(subdir)) return false;
  size_t start = 0;
  while (start <= subdir.size()) {
    size_t slash = subdir.find('/', start);
    std::string_view part =
        subdir.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (part == "..") return false;
    if (!part.empty() && part != ".") {
      if (part.front() == '-') return false;
      if (!out.empty()) out += '/';
      out += part;
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return true;
}

}  // namespace

bool IsFullCommitSha(std::string_view text) {
  if (text.size() != 40 && text.size() != 64) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

StatusOr<GitSource> ParseGitSource(std::string_view text) {
  GitSource source;
  const size_t hash = text.find('#');
  source.remote = std::string(text.substr(0, hash));
  if (source.remote.empty() || source.remote.front() == '-' || HasControlOrSpace(source.remote)) {
    return InvalidArgument("invalid git repository \"" + std::string(text) + "\"");
  }
  if (hash == std::string_view::npos) return source;
  std::string_view fragment = text.substr(hash + 1);
  const size_t colon = fragment.find(':');
  std::string_view ref = fragment.substr(0, colon);
  if (!IsValidRef(ref)) {
    return InvalidArgument("invalid git ref \"" + std::string(ref) + "\" in \"" + std::string(text) + "\"");
  }
  source.ref = std::string(ref);
  if (colon != std::string_view::npos) {
    std::string_view subdir = fragment.substr(colon + 1);
    if (!NormaliseSubdir(subdir, source.subdir)) {
      return InvalidArgument("invalid git subdirectory \"" + std::string(subdir) + "\" in \"" + std::string(text) +
                             "\": it must stay inside the repository");
    }
  }
  return source;
}

}  // namespace mybuild::fileops

#include "snapshotter/root_path.h"

#include <sys/stat.h>
#include <unistd.h>

#include <deque>

namespace mybuild::snapshotter {
namespace {

// The components of `path` in front of `pending`, ".." and "." kept: they apply to what the components
// before them resolved to, not lexically.
void PushFront(std::string_view path, std::deque<std::string>& pending) {
  std::vector<std::string> split;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) split.emplace_back(path.substr(start, end - start));
    start = end + 1;
  }
  pending.insert(pending.begin(), split.begin(), split.end());
}

StatusOr<std::string> ReadLinkInRoot(const RootFs& root, const std::string& abs) {
  MB_ASSIGN_OR_RETURN(ParentRef parent, root.OpenParent(abs));
  std::string target(4096, '\0');
  const ssize_t n = ::readlinkat(parent.dir.get(), parent.name.c_str(), target.data(), target.size());
  if (n < 0) return ErrnoError("readlink \"" + abs + "\"");
  if (static_cast<size_t>(n) >= target.size()) return InvalidArgument("symlink \"" + abs + "\" has an over-long target");
  target.resize(static_cast<size_t>(n));
  return target;
}

}  // namespace

std::string RootPath::Prefix(size_t count) const {
  std::string out;
  for (size_t i = 0; i < count && i < parts.size(); ++i) out += "/" + parts[i];
  return out.empty() ? "/" : out;
}

StatusOr<RootPath> ResolveInRoot(const RootFs& root, std::string_view path) {
  std::deque<std::string> pending;
  PushFront(path, pending);
  RootPath out;
  int links = 0;
  size_t original_left = pending.size();  // the tail of `pending` still from `path` (not from a link)
  while (!pending.empty()) {
    std::string part = std::move(pending.front());
    pending.pop_front();
    const bool from_link = pending.size() >= original_left;
    if (!from_link) --original_left;
    if (part == ".") continue;
    if (part == "..") {  // the resolved parts hold no link: ".." is lexical, and the parent exists again
      if (!out.parts.empty()) out.parts.pop_back();
      if (out.existing > out.parts.size()) out.existing = out.parts.size();
      if (out.existing == out.parts.size()) {
        out.last_existing_is_dir = true;
        out.missing_via_link = false;
      }
      continue;
    }
    out.parts.push_back(std::move(part));
    if (out.existing + 1 != out.parts.size() || !out.last_existing_is_dir) continue;  // below a missing part
    const std::string here = out.Absolute();
    StatusOr<struct stat> st = root.Lstat(here);
    if (!st.ok()) {
      if (st.status().code() != StatusCode::kNotFound) return st.status();
      out.missing_via_link = from_link;  // only the first missing part is looked up
      continue;                          // missing: the rest is kept as named
    }
    if (!S_ISLNK(st->st_mode)) {
      ++out.existing;
      out.last_existing_is_dir = S_ISDIR(st->st_mode);
      continue;
    }
    if (++links > kMaxRootPathLinks) return InvalidArgument("too many levels of symbolic links");
    MB_ASSIGN_OR_RETURN(std::string target, ReadLinkInRoot(root, here));
    out.parts.pop_back();
    if (!target.empty() && target[0] == '/') {
      out.parts.clear();
      out.existing = 0;
      out.last_existing_is_dir = true;
    }
    PushFront(target, pending);
  }
  return out;
}

}  // namespace mybuild::snapshotter

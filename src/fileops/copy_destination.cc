#include "src/fileops/copy_destination.h"

#include <sys/stat.h>
#include <unistd.h>

#include <deque>

#include "src/fileops/path_match.h"

namespace mybuild::fileops {
namespace {

bool EndsWith(const std::string& text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

StatusOr<std::string> ReadLinkInRoot(const snapshotter::RootFs& root, const std::string& abs) {
  MB_ASSIGN_OR_RETURN(snapshotter::ParentRef parent, root.OpenParent(abs));
  std::string target(4096, '\0');
  const ssize_t n = ::readlinkat(parent.dir.get(), parent.name.c_str(), target.data(), target.size());
  if (n < 0) return ErrnoError("readlink \"" + abs + "\"");
  if (static_cast<size_t>(n) >= target.size()) return InvalidArgument("symlink \"" + abs + "\" is too long");
  target.resize(static_cast<size_t>(n));
  return target;
}

std::string Absolute(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& part : parts) out += "/" + part;
  return out.empty() ? "/" : out;
}

}  // namespace

StatusOr<std::string> ResolveDestinationInRoot(const snapshotter::RootFs& root, const std::string& abs) {
  std::deque<std::string> pending;
  for (const std::string& part : SplitPath(abs)) pending.push_back(part);
  std::vector<std::string> resolved;  // no symlink in it (as far as the last lookups saw)
  bool missing = false;
  int links = 0;
  while (!pending.empty()) {
    std::string part = std::move(pending.front());
    pending.pop_front();
    if (part == "..") {  // the resolved part holds no link: ".." is lexical (and looks up again)
      if (!resolved.empty()) resolved.pop_back();
      missing = false;
      continue;
    }
    resolved.push_back(std::move(part));
    if (missing) continue;
    const std::string here = Absolute(resolved);
    StatusOr<struct stat> st = root.Lstat(here);
    if (!st.ok()) {
      // Missing (or below a non-directory): the rest is kept as named; writing there reports the error.
      missing = true;
      continue;
    }
    if (!S_ISLNK(st->st_mode)) continue;
    if (++links > kMaxDestinationLinks) {
      return InvalidArgument("too many levels of symbolic links in the destination \"" + abs + "\"");
    }
    MB_ASSIGN_OR_RETURN(std::string target, ReadLinkInRoot(root, here));
    resolved.pop_back();
    if (!target.empty() && target[0] == '/') resolved.clear();
    std::vector<std::string> target_parts = SplitPath(target);
    pending.insert(pending.begin(), target_parts.begin(), target_parts.end());
  }
  return Absolute(resolved);
}

CopyDestination ResolveDestination(const CopySpec& spec) {
  const std::string& d = spec.dest;
  CopyDestination out;
  out.dir_syntax = d.empty() || d.back() == '/' || d == "." || d == ".." || EndsWith(d, "/.") || EndsWith(d, "/..");
  out.path = CleanSlashPath(!d.empty() && d[0] == '/' ? d : JoinPath(spec.workdir.empty() ? "/" : spec.workdir, d));
  if (out.path.empty() || out.path[0] != '/') out.path = "/" + out.path;
  return out;
}

std::string TargetOf(const CopySpec& spec, const std::string& dest, bool dest_is_dir, const SelectedSource& source) {
  if (spec.parents) return source.kept_rel.empty() ? dest : JoinPath(dest, source.kept_rel);
  if (S_ISDIR(source.st.st_mode)) return dest;
  std::vector<std::string> parts = SplitPath(source.root_rel);
  return FileTarget(dest, dest_is_dir, parts.empty() ? std::string() : parts.back());
}

std::string FileTarget(const std::string& dest, bool dest_is_dir, const std::string& name) {
  return dest_is_dir ? JoinPath(dest, name) : dest;
}

}  // namespace mybuild::fileops

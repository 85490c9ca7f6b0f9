#include "src/fileops/copy_destination.h"

#include <sys/stat.h>

#include "snapshotter/root_path.h"
#include "src/fileops/path_match.h"

namespace mybuild::fileops {
namespace {

bool EndsWith(const std::string& text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

StatusOr<std::string> ResolveDestinationInRoot(const snapshotter::RootFs& root, const std::string& abs) {
  StatusOr<snapshotter::RootPath> resolved = snapshotter::ResolveInRoot(root, abs);
  if (!resolved.ok()) return resolved.status().WithContext("the destination \"" + abs + "\"");
  return resolved->Absolute();
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

#include "src/fileops/source_selection.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>

#include "src/base/dir_names.h"
#include "src/base/message_quote.h"
#include "src/fileops/path_match.h"
#include "src/fileops/source_walker.h"

namespace mybuild::fileops {
namespace {

Status NotFoundError(const std::string& rel) {
  return NotFound("failed to compute cache key: " + QuoteForMessage("/" + rel) + ": not found");
}

StatusOr<std::vector<std::string>> SortedNames(int dirfd) { return DirectoryNames(dirfd, "directory"); }

// Whether the context as BuildKit's walk sends it holds `rel` (of type `mode`): a path .dockerignore
// leaves out is not there, except an excluded directory that is sent as the parent of a re-included
// entry below it.
StatusOr<bool> InContext(const snapshotter::RootFs& root, const std::string& rel, mode_t mode,
                         const PathFilter* ignore) {
  if (rel.empty() || ignore == nullptr || !ignore->Excluded(rel)) return true;
  if (!S_ISDIR(mode) || !ignore->MayReincludeBelow(rel)) return false;
  return WalkFindsEntryBelow(root, rel, *ignore);
}

// Collects paths below `dirfd` (named `base_rel` in the root) whose path relative to the base matches
// `pattern` (components of a Go pattern), among those the context holds. Matches are not descended into;
// links are never followed.
Status CollectMatches(const snapshotter::RootFs& root, int dirfd, const std::string& base_rel,
                      const std::string& rel, const std::vector<std::string>& pattern, const PathFilter* ignore,
                      std::vector<std::string>* out) {
  size_t depth = SplitPath(rel).size();
  MB_ASSIGN_OR_RETURN(std::vector<std::string> names, SortedNames(dirfd));
  for (const std::string& name : names) {
    std::string child_rel = JoinPath(rel, name);
    std::string root_rel = JoinPath(base_rel, child_rel);
    struct stat st {};
    if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    if (depth + 1 == pattern.size()) {
      MB_ASSIGN_OR_RETURN(bool match, GlobMatch(pattern[depth], name));
      if (!match) continue;
      MB_ASSIGN_OR_RETURN(bool held, InContext(root, root_rel, st.st_mode, ignore));
      if (held) out->push_back(root_rel);
      continue;
    }
    MB_ASSIGN_OR_RETURN(bool prefix_match, GlobMatch(pattern[depth], name));
    if (!prefix_match || !S_ISDIR(st.st_mode)) continue;
    if (ignore && ignore->Excluded(root_rel) && !ignore->MayReincludeBelow(root_rel)) continue;
    UniqueFd child(::openat(dirfd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!child) continue;
    MB_RETURN_IF_ERROR(CollectMatches(root, child.get(), base_rel, child_rel, pattern, ignore, out));
  }
  return Status::Ok();
}

// Cleans a source as written into a root-relative path ("" for the root); refuses "../x".
StatusOr<std::string> RootRelative(const std::string& written, const CopySpec& spec) {
  std::string clean = CleanSlashPath(written);
  if (clean == ".." || clean.rfind("../", 0) == 0) {
    return InvalidArgument("COPY source \"" + written + "\" is outside of the build context; sources must be "
                           "inside it (remove the leading \"..\")",
                           spec.location);
  }
  while (!clean.empty() && clean[0] == '/') clean.erase(0, 1);
  if (clean == ".") clean.clear();
  return clean;
}

// A root-relative source split as BuildKit's copier splits it (fsutil splitWildcards): the components
// before the first one holding an unescaped wildcard, joined as written (a backslash stays a character of
// the name there: in BuildKit the source a\*b, with no other wildcard, names the file a\*b, backslash
// included), and the components from there on, matched as a Go pattern (where \* matches a literal *).
struct SplitSource {
  std::string base;
  std::vector<std::string> pattern;
};

SplitSource SplitAtFirstWildcard(const std::string& rel) {
  SplitSource out;
  std::vector<std::string> parts = SplitPath(rel);
  size_t first = 0;
  while (first < parts.size() && !HasWildcards(parts[first])) out.base = JoinPath(out.base, parts[first++]);
  out.pattern.assign(parts.begin() + first, parts.end());
  return out;
}

// The matches of a wildcard source. As in BuildKit (the Dockerfile frontend sets AllowEmptyWildcard), a
// pattern matching nothing is no error and copies nothing; the literal directory it searches must exist in
// the source root though (BuildKit's walk fails with "lstat DIR: no such file or directory"; a directory that
// .dockerignore leaves out of the context does not exist there). A base that is no directory holds no matches.
Status CollectWildcardMatches(const snapshotter::RootFs& root, const SplitSource& split, const SourceFilter& filter,
                              std::vector<std::string>* matches) {
  if (!split.base.empty()) {
    StatusOr<struct stat> st = StatSource(root, split.base);
    const PathFilter* ignore = filter.dockerignore();
    const bool left_out = ignore && ignore->Excluded(split.base) && !ignore->MayReincludeBelow(split.base);
    if (left_out || (!st.ok() && st.status().code() == StatusCode::kNotFound)) {
      return NotFound("lstat " + QuoteForMessage("/" + split.base) + ": no such file or directory");
    }
    MB_RETURN_IF_ERROR(st.status());
    if (!S_ISDIR(st->st_mode)) return Status::Ok();
  }
  MB_ASSIGN_OR_RETURN(UniqueFd dir, root.Open(split.base.empty() ? "." : split.base, O_RDONLY | O_DIRECTORY, true));
  return CollectMatches(root, dir.get(), split.base, "", split.pattern, filter.dockerignore(), matches);
}

bool StartsWithComponents(const std::string& path, const std::string& prefix) {
  if (prefix.empty()) return true;
  return path == prefix || path.rfind(prefix + "/", 0) == 0;
}

}  // namespace

StatusOr<SourceFilter> SourceFilter::Create(const CopySpec& spec, const PathFilter* dockerignore) {
  MB_ASSIGN_OR_RETURN(DockerIgnoreFilter excludes, DockerIgnoreFilter::FromPatterns(spec.excludes));
  if (spec.root_kind != SourceRootKind::kContext) dockerignore = nullptr;
  return SourceFilter(dockerignore, std::move(excludes));
}

StatusOr<std::vector<SelectedSource>> SelectSources(const CopySpec& spec, const snapshotter::RootFs& root,
                                                    const SourceFilter& filter) {
  std::vector<SelectedSource> selected;
  for (size_t index = 0; index < spec.sources.size(); ++index) {
    const CopySource& source = spec.sources[index];
    if (source.kind != CopySource::Kind::kPath) continue;
    // --parents: "a/./b/c" keeps "b/c" below the destination.
    std::string pivot_prefix;
    std::string written = source.path;
    if (spec.parents) {
      size_t pivot = written.find("/./");
      if (pivot != std::string::npos) {
        MB_ASSIGN_OR_RETURN(pivot_prefix, RootRelative(written.substr(0, pivot), spec));
      }
    }
    MB_ASSIGN_OR_RETURN(std::string rel, RootRelative(written, spec));

    std::vector<std::string> matches;
    const SplitSource split = SplitAtFirstWildcard(rel);
    if (!split.pattern.empty()) {
      for (const std::string& p : split.pattern) {
        StatusOr<bool> check = GlobMatch(p, "");
        if (!check.ok()) {
          return InvalidArgument("invalid COPY source pattern " + QuoteForMessage(written) + ": " +
                                     check.status().message(),
                                 spec.location);
        }
      }
      MB_RETURN_IF_ERROR(CollectWildcardMatches(root, split, filter, &matches));
    } else {
      matches.push_back(rel);
    }

    for (const std::string& match : matches) {
      SelectedSource s;
      s.source_index = index;
      s.pattern = source.path;
      s.root_rel = match;
      StatusOr<struct stat> st = StatSource(root, match);
      if (!st.ok()) {
        if (st.status().code() == StatusCode::kNotFound) return NotFoundError(match);
        return st.status();
      }
      s.st = *st;
      // A path left out of the context by .dockerignore does not exist for COPY (an excluded directory
      // does when something below it is re-included: BuildKit's walk sends it as that entry's parent).
      MB_ASSIGN_OR_RETURN(bool held, InContext(root, match, s.st.st_mode, filter.dockerignore()));
      if (!held) return NotFoundError(match);
      // --exclude also applies to the selected paths themselves (by root-relative path).
      if (!match.empty() && !spec.excludes.empty() && filter.Excluded(match) &&
          !(S_ISDIR(s.st.st_mode) && filter.MayReincludeBelow(match))) {
        continue;
      }
      if (spec.parents) {
        s.kept_rel = StartsWithComponents(match, pivot_prefix)
                         ? match.substr(pivot_prefix.empty() ? 0 : std::min(match.size(), pivot_prefix.size() + 1))
                         : match;
      }
      selected.push_back(std::move(s));
    }
  }
  return selected;
}

}  // namespace mybuild::fileops

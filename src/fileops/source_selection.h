// Which paths of the source root a COPY/ADD names: wildcard expansion, the escape check, .dockerignore and
// --exclude, the --parents pivot. Shared by the copier and by content hashing, so that the cache key covers
// exactly what gets copied.
#ifndef MYBUILD_FILEOPS_SOURCE_SELECTION_H_
#define MYBUILD_FILEOPS_SOURCE_SELECTION_H_

#include <sys/stat.h>

#include <string>
#include <vector>

#include "snapshotter/rootfs.h"
#include "src/base/status.h"
#include "src/fileops/copy_spec.h"
#include "src/fileops/path_filter.h"

namespace mybuild::fileops {

struct SelectedSource {
  size_t source_index = 0;  // index in spec.sources
  std::string pattern;   // the source as written
  std::string root_rel;  // the matched path, clean, relative to the root ("" = the root itself)
  std::string kept_rel;  // --parents: the part of root_rel kept below the destination (after a "/./"
                         // pivot); "" without --parents
  struct stat st {};     // stat of the match, its symlink followed inside the root
};

// The filter applied below selected sources: .dockerignore (context only) combined with --exclude.
// Excluded/MayReincludeBelow match both by root-relative path (used for the selected paths themselves);
// below a selected source, .dockerignore matches the root-relative path and --exclude the path relative
// to that source, as in BuildKit's copier: `COPY --exclude=*.md dir /x/` drops dir/a.md (it matches
// "a.md"), not dir/sub/b.md ("sub/b.md").
class SourceFilter : public PathFilter {
 public:
  // `dockerignore` may be null; it is ignored for stage sources.
  static StatusOr<SourceFilter> Create(const CopySpec& spec, const PathFilter* dockerignore);
  bool Excluded(std::string_view rel) const override { return combined_.Excluded(rel); }
  bool MayReincludeBelow(std::string_view rel) const override { return combined_.MayReincludeBelow(rel); }
  bool ExcludedBelowSource(std::string_view root_rel, std::string_view source_rel) const override {
    return (dockerignore_ && dockerignore_->Excluded(root_rel)) || excludes_.Excluded(source_rel);
  }
  bool MayReincludeBelowSource(std::string_view root_rel, std::string_view source_rel) const override {
    bool a = !dockerignore_ || !dockerignore_->Excluded(root_rel) || dockerignore_->MayReincludeBelow(root_rel);
    bool b = !excludes_.Excluded(source_rel) || excludes_.MayReincludeBelow(source_rel);
    return a && b;
  }
  const PathFilter* dockerignore() const { return dockerignore_; }
  SourceFilter(SourceFilter&& other) noexcept
      : dockerignore_(other.dockerignore_),
        excludes_(std::move(other.excludes_)),
        combined_(dockerignore_, &excludes_) {}

 private:
  SourceFilter(const PathFilter* dockerignore, DockerIgnoreFilter excludes)
      : dockerignore_(dockerignore), excludes_(std::move(excludes)), combined_(dockerignore_, &excludes_) {}
  const PathFilter* dockerignore_;
  DockerIgnoreFilter excludes_;
  CombinedFilter combined_;
};

// Expands the kPath sources of `spec` in order (matches of one wildcard sorted byte-wise).
// Errors: a source climbing out of the root ("../x") is kInvalidArgument; a source without wildcards that
// is missing (or left out by .dockerignore) is kNotFound with the message
//   failed to compute cache key: "/PATH": not found
// A wildcard matching nothing is no error (BuildKit's AllowEmptyWildcard) unless the directory it searches
// is missing: kNotFound "lstat "/DIR": no such file or directory".
StatusOr<std::vector<SelectedSource>> SelectSources(const CopySpec& spec, const snapshotter::RootFs& root,
                                                    const SourceFilter& filter);

}  // namespace mybuild::fileops

#endif  // MYBUILD_FILEOPS_SOURCE_SELECTION_H_

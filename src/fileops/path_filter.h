// Which source paths a COPY/ADD leaves out: .dockerignore of the context and --exclude patterns.
//
// PathFilter is the small interface the source walker asks. Both filters use the .dockerignore pattern
// language (moby/patternmatcher semantics, implemented by frontend::DockerIgnore): "!" exceptions,
// Go filepath.Match components, "**", a matching parent excludes everything below it, last match wins.
#ifndef MYBUILD_FILEOPS_PATH_FILTER_H_
#define MYBUILD_FILEOPS_PATH_FILTER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "snapshotter/rootfs.h"
#include "src/base/status.h"
#include "src/frontend/dockerignore.h"

namespace mybuild::fileops {

class PathFilter {
 public:
  virtual ~PathFilter() = default;
  // `rel` is a clean, '/'-separated path relative to the source root ("a/b.txt").
  virtual bool Excluded(std::string_view rel) const = 0;
  // For an excluded directory: whether an exception could re-include something below it (the walker
  // then descends instead of skipping the subtree).
  virtual bool MayReincludeBelow(std::string_view dir_rel) const = 0;
  // For an entry found below a selected source while walking it: `source_rel` is the same entry relative
  // to that source ("" never: the source itself is not asked). Filters whose patterns are relative to the
  // copied source (COPY --exclude, as in BuildKit) override these; by default only `root_rel` counts.
  virtual bool ExcludedBelowSource(std::string_view root_rel, std::string_view /*source_rel*/) const {
    return Excluded(root_rel);
  }
  virtual bool MayReincludeBelowSource(std::string_view root_rel, std::string_view /*source_rel*/) const {
    return MayReincludeBelow(root_rel);
  }
};

// A PathFilter over the frontend's .dockerignore matcher (src/frontend/dockerignore.h), used for the
// context's .dockerignore and for --exclude patterns alike.
class DockerIgnoreFilter : public PathFilter {
 public:
  explicit DockerIgnoreFilter(frontend::DockerIgnore ignore) : ignore_(std::move(ignore)) {}
  // kInvalidArgument for a malformed pattern, naming it.
  static StatusOr<DockerIgnoreFilter> FromPatterns(const std::vector<std::string>& patterns);
  // Parses .dockerignore text (comments, blank lines, exceptions).
  static StatusOr<DockerIgnoreFilter> FromDockerignore(std::string_view text);
  // Reads `name` (default ".dockerignore") at the context root, resolved inside it; a missing file is an
  // empty filter. Larger than kMaxDockerignoreBytes is kResourceExhausted.
  static constexpr uint64_t kMaxDockerignoreBytes = 16ull << 20;
  static StatusOr<DockerIgnoreFilter> Load(const snapshotter::RootFs& context,
                                           std::string_view name = ".dockerignore");

  bool empty() const { return ignore_.empty(); }
  bool Excluded(std::string_view rel) const override { return ignore_.Excluded(rel); }
  bool MayReincludeBelow(std::string_view dir_rel) const override { return ignore_.MayReincludeBelow(dir_rel); }

 private:
  frontend::DockerIgnore ignore_;
};

// Excluded by either filter (either may be null).
class CombinedFilter : public PathFilter {
 public:
  CombinedFilter(const PathFilter* first, const PathFilter* second) : first_(first), second_(second) {}
  bool Excluded(std::string_view rel) const override {
    return (first_ && first_->Excluded(rel)) || (second_ && second_->Excluded(rel));
  }
  bool MayReincludeBelow(std::string_view dir_rel) const override {
    // Descend only if every filter that excludes the directory could re-include below it.
    bool a = !first_ || !first_->Excluded(dir_rel) || first_->MayReincludeBelow(dir_rel);
    bool b = !second_ || !second_->Excluded(dir_rel) || second_->MayReincludeBelow(dir_rel);
    return a && b;
  }

 private:
  const PathFilter* first_;
  const PathFilter* second_;
};

}  // namespace mybuild::fileops

#endif  // MYBUILD_FILEOPS_PATH_FILTER_H_

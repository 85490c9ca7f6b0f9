// What a RUN --mount=type=bind binds when the source itself must not be bound: a view of a host
// directory (or file) with some entries hidden and/or writable with its writes thrown away.
//
//  - hidden entries: the build context as the reference builder mounts it is the context it was sent,
//    i.e. without what .dockerignore excludes (HiddenEntries below lists those entries under the source);
//  - writable (`rw`): BuildKit gives an rw bind a scratch layer that the step never outputs, so a RUN
//    never changes the context, a stage's snapshot or an image.
//
// How:
//   directory → an overlay over the source (named by its fd, so no ':' or ',' of a user path reaches the
//               options): a lower dir of overlay whiteouts (0/0 character devices) for the hidden
//               entries, whose directories carry the source's metadata, stacked over the source; for rw
//               an upper and work dir as well. All of it lives in a new directory under the scratch dir
//               and is gone (unmounted, removed) with the object. Where overlayfs cannot be mounted (e.g.
//               the scratch dir is itself on an overlay), a copy of the source without the hidden entries;
//   regular file → a copy of the file (content, mode, owner, mtime); only for rw, nothing can be hidden;
//   anything else → kInvalidArgument.
// The caller binds path() at the target, read-only unless rw.
#ifndef MYBUILD_WORKER_BIND_VIEW_H_
#define MYBUILD_WORKER_BIND_VIEW_H_

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "snapshotter/scoped_mount.h"
#include "src/base/status.h"
#include "src/base/temp_dir.h"
#include "src/fileops/path_filter.h"

namespace mybuild::worker {

// The entries below the directory `dir_fd` that `filter` excludes, as paths relative to it ("a",
// "b/c.log"), sorted, for a directory that is `prefix` relative to the filter's root ("" = the root). An
// excluded directory is listed whole unless an exception may re-include something below it; then its
// excluded entries are listed, and the directory itself when nothing below it is included. Symlinks are
// never followed.
StatusOr<std::vector<std::string>> HiddenEntries(int dir_fd, std::string_view prefix,
                                                 const fileops::PathFilter& filter);

class BindView {
 public:
  enum class Method { kOverlay, kCopy };
  struct Options {
    std::vector<std::string> hidden;  // relative to the source (HiddenEntries), never ".." or absolute
    bool writable = false;
  };

  // `scratch_dir` must exist; the view is made in a new directory below it.
  static StatusOr<BindView> Open(int source_fd, const std::filesystem::path& scratch_dir, const Options& options);

  BindView() = default;
  ~BindView() = default;  // members go in reverse order: unmount, then remove the scratch files
  BindView(BindView&&) noexcept = default;
  BindView& operator=(BindView&& other) noexcept;
  BindView(const BindView&) = delete;
  BindView& operator=(const BindView&) = delete;

  // The directory or file to bind at the mount's target.
  const std::filesystem::path& path() const { return path_; }
  Method method() const { return method_; }

  // For tests: never try overlayfs (the copy path).
  static void ForceCopyForTesting(bool force);

 private:
  TempDir dir_;                     // whiteouts + upper + work + merged mountpoint, or the copy
  snapshotter::ScopedMount mount_;  // the overlay (declared after dir_: unmounted before its removal)
  std::filesystem::path path_;
  Method method_ = Method::kCopy;
};

}  // namespace mybuild::worker

#endif  // MYBUILD_WORKER_BIND_VIEW_H_

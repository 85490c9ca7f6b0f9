// A writable stand-in for a host directory or file whose writes are thrown away when it is destroyed:
// what `RUN --mount=type=bind,rw` gives a RUN over the build context (the reference builder gives an
// rw bind a scratch layer that the step never outputs: the source is never changed by a RUN).
//
//   directory → an overlay with the source as its only lower dir and a fresh upper/work dir under the
//               scratch directory (O(1), whatever the size of the source); where overlayfs cannot be
//               mounted there (e.g. the scratch dir is itself on an overlay), a copy of the source tree;
//   regular file → a copy of the file (content, mode, owner, mtime);
//   anything else → kInvalidArgument.
// The source is named by an fd (any open mode, typically O_PATH from RootFs::Open), never by a path that
// could be swapped between resolution and mounting.
#ifndef MYBUILD_WORKER_DISCARDED_WRITES_H_
#define MYBUILD_WORKER_DISCARDED_WRITES_H_

#include <filesystem>

#include "snapshotter/scoped_mount.h"
#include "src/base/status.h"
#include "src/base/temp_dir.h"

namespace mybuild::worker {

class DiscardedWrites {
 public:
  enum class Method { kOverlay, kCopy };

  // `scratch_dir` must exist; the upper dir (or copy) is made in a new directory below it.
  static StatusOr<DiscardedWrites> Open(int source_fd, const std::filesystem::path& scratch_dir);

  DiscardedWrites() = default;
  ~DiscardedWrites() = default;  // members go in reverse order: unmount, then remove the scratch files
  DiscardedWrites(DiscardedWrites&&) noexcept = default;
  DiscardedWrites& operator=(DiscardedWrites&& other) noexcept;
  DiscardedWrites(const DiscardedWrites&) = delete;
  DiscardedWrites& operator=(const DiscardedWrites&) = delete;

  // The writable directory or file to bind at the mount's target.
  const std::filesystem::path& path() const { return path_; }
  Method method() const { return method_; }

  // For tests: never try overlayfs (the copy path).
  static void ForceCopyForTesting(bool force);

 private:
  TempDir dir_;                      // upper + work + merged mountpoint, or the copy
  snapshotter::ScopedMount mount_;   // the overlay (declared after dir_: unmounted before its removal)
  std::filesystem::path path_;
  Method method_ = Method::kCopy;
};

}  // namespace mybuild::worker

#endif  // MYBUILD_WORKER_DISCARDED_WRITES_H_

// Reading COPY/ADD sources inside a source root (the build context or another stage's rootfs).
//
// The source named by a COPY is resolved inside the root (snapshotter::RootFs: symlinks, absolute ones
// included, stay inside; the final component is followed, as BuildKit does for named sources). Below it,
// the walk goes by directory fds with O_NOFOLLOW: symlinks are reported as symlinks, never followed, so a
// link pointing out of the root is copied as a link and nothing outside is read.
//
// Entries come in byte-wise sorted order, parents before children (pre-order), and every directory that
// was visited is left (LeaveDirectory) after its children, so a writer can fix directory mtimes last.
#ifndef MYBUILD_FILEOPS_SOURCE_WALKER_H_
#define MYBUILD_FILEOPS_SOURCE_WALKER_H_

#include <sys/stat.h>

#include <map>
#include <string>

#include "snapshotter/rootfs.h"
#include "src/base/status.h"
#include "src/base/unique_fd.h"
#include "src/fileops/path_filter.h"

namespace mybuild::fileops {

inline constexpr int kMaxWalkDepth = 1024;
inline constexpr size_t kMaxSymlinkTarget = 4095;

struct SourceEntry {
  std::string rel;       // relative to the walked source; "" for the source itself
  std::string root_rel;  // relative to the source root, as named (through a followed top-level link)
  struct stat st {};
  std::string link_target;  // symlinks only, verbatim

  // Opens a regular file's content (O_RDONLY, not following links) and checks it is still regular.
  StatusOr<UniqueFd> OpenContent() const;

  // The extended attributes a copy of this entry carries into its layer, as BuildKit's layers do
  // (containerd's tar writer records security.capability only; user.* and the rest stay out of them).
  // Regular files only (empty for other types and on filesystems without xattrs). `content_fd`, when
  // given, is the file opened by OpenContent() (read from it: no path lookup).
  StatusOr<std::map<std::string, std::string>> LayerXattrs(int content_fd = -1) const;

  // Where the entry lives: its parent directory fd and its name, or (the walked source itself) an O_PATH
  // fd of the object.
  int parent_fd = -1;
  std::string name;
  int self_fd = -1;
};

class SourceVisitor {
 public:
  virtual ~SourceVisitor() = default;
  virtual Status Visit(const SourceEntry& entry) = 0;
  virtual Status LeaveDirectory(const SourceEntry& entry) { return Status::Ok(); }
};

// Walks the source `root_rel` (clean, relative to the root; "" or "." for the root itself). `filter` (may be
// null) is asked (PathFilter::ExcludedBelowSource) with the root-relative and the source-relative path of
// every entry below the source (not for the source itself).
// An excluded directory is skipped unless the filter may re-include something below it; it is then
// visited only if something below it is.
Status WalkSource(const snapshotter::RootFs& root, const std::string& root_rel, const PathFilter* filter,
                  SourceVisitor& visitor);

// Whether walking the directory `root_rel` with `filter` visits anything below it: an excluded directory
// is in the build context (as BuildKit's walk sends it) only as the parent of such an entry.
StatusOr<bool> WalkFindsEntryBelow(const snapshotter::RootFs& root, const std::string& root_rel,
                                   const PathFilter& filter);

// Stats `root_rel` inside the root following symlinks (kNotFound when missing).
StatusOr<struct stat> StatSource(const snapshotter::RootFs& root, const std::string& root_rel);

}  // namespace mybuild::fileops

#endif  // MYBUILD_FILEOPS_SOURCE_WALKER_H_

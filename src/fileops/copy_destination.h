// Where a COPY/ADD writes: the destination path and the target of each selected source. Shared by the
// copier (which writes into a rootfs) and the streamed copy (which writes the layer only), so both place
// every source in the same spot.
#ifndef MYBUILD_FILEOPS_COPY_DESTINATION_H_
#define MYBUILD_FILEOPS_COPY_DESTINATION_H_

#include <string>

#include "snapshotter/rootfs.h"
#include "src/base/status.h"
#include "src/fileops/copy_spec.h"
#include "src/fileops/source_selection.h"

namespace mybuild::fileops {

struct CopyDestination {
  std::string path;         // absolute and clean, inside the rootfs ("/app")
  bool dir_syntax = false;  // written as a directory: ends in "/" or is "." / ".." / ends in "/." or "/.."
};

// spec.dest made absolute against spec.workdir and cleaned.
CopyDestination ResolveDestination(const CopySpec& spec);

// The destination as BuildKit's copier resolves it (continuity's fs.RootPath) before writing:
// snapshotter::ResolveInRoot (snapshotter/root_path.h), every symlink on the path followed inside the
// rootfs, the final component's included, a missing component keeping the rest as named. So
// `COPY f /dangling/sub/` with /dangling -> symlink-target writes /symlink-target/sub/f, and
// `COPY f /link` with /link -> file writes the file the link names. Symlinks met while copying below the
// destination are not followed (the copier refuses to write a directory onto one). A loop is
// kInvalidArgument.
StatusOr<std::string> ResolveDestinationInRoot(const snapshotter::RootFs& root, const std::string& abs);

// Where a selected source lands: with --parents, dest/<kept path>; a directory's contents go into dest; a
// file goes to dest/<its name> when dest is a directory, else to dest itself.
std::string TargetOf(const CopySpec& spec, const std::string& dest, bool dest_is_dir, const SelectedSource& source);

// Where a single file named `name` (a heredoc, a download) lands.
std::string FileTarget(const std::string& dest, bool dest_is_dir, const std::string& name);

}  // namespace mybuild::fileops

#endif  // MYBUILD_FILEOPS_COPY_DESTINATION_H_

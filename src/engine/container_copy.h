// `cp SRC DST` (docker cp) between two roots: a container's files and the host's, in either direction.
// Both sides are snapshotter::RootFs (the host's is "/"), so every path is resolved inside its root
// (symlinks, absolute ones included, stay inside: snapshotter/root_path.h) and every write is confined:
// the copy is a tar stream from the source side (fileops::WalkSource, never following a link below the
// source) applied below the destination directory (snapshotter::ExtractArchive), as docker streams it.
//
// Docker's rules (docs.docker.com/reference/cli/docker/container/cp/), decided by DecideCopyTarget:
//   SRC a file (or a symlink, copied as the link unless -L):
//     DEST missing: saved as the file DEST (its parent must be a directory); DEST ending in "/" is an
//     error ("the destination directory must exist"); DEST a file: overwritten; DEST a directory: the
//     file goes into it under its own name. SRC ending in "/" must be a directory.
//   SRC a directory:
//     DEST missing: DEST is created and receives SRC's content; DEST a file: an error; DEST a directory:
//     SRC goes into it under its own name, or only its content when SRC ends in "/.".
//   The final component of SRC is followed when it ends in "/" or "/." or with -L; DEST is followed.
//   Owners: the destination user's (root's in a container, the caller's on the host), the source's with -a.
// `-` as SRC reads a tar stream and extracts it into the directory DEST; `-` as DEST writes SRC as a tar
// stream (its entries named as docker names them: the source's base name first).
#ifndef MYBUILD_ENGINE_CONTAINER_COPY_H_
#define MYBUILD_ENGINE_CONTAINER_COPY_H_

#include <optional>
#include <string>
#include <string_view>

#include "snapshotter/rootfs.h"
#include "src/base/status.h"

namespace mybuild::engine {

// One argument of `cp`: "CONTAINER:PATH", or a host path (anything starting with "/" or ".", or
// without ':'), as docker splits it. `container` is empty for a host path.
struct CopyArgument {
  std::string container;
  std::string path;
};
CopyArgument SplitCopyArgument(std::string_view argument);

// What a path names in its root, after resolution.
struct CopyPathInfo {
  bool exists = false;
  bool is_dir = false;
  bool parent_is_dir = false;  // its parent exists and is a directory
  std::string resolved;        // the absolute path, symlinks resolved inside the root
};

// Where a copy lands: the source becomes `top_name` inside the existing directory `extract_dir` (of the
// destination root); an empty `top_name` puts the source directory's content into `extract_dir` itself.
struct CopyTarget {
  std::string extract_dir;
  std::string top_name;
  bool operator==(const CopyTarget&) const = default;
};

// Docker's rules above. `src` and `dest` as the user wrote them (for their trailing "/" and "/.");
// `src_name` the source's base name. Errors (kInvalidArgument / kNotFound) name `dest_label`.
StatusOr<CopyTarget> DecideCopyTarget(std::string_view src, bool src_is_dir, const std::string& src_name,
                                      std::string_view dest, const CopyPathInfo& dest_info,
                                      const std::string& dest_label);

// One side of a copy: a root and a path in it, with the name the user knows it by ("CONTAINER:PATH").
struct CopyEndpoint {
  const snapshotter::RootFs* root = nullptr;
  std::string path;
  std::string label;
  // The owner written files get unless the copy keeps the source's (-a).
  snapshotter::Ownership owner;
};

struct CopyOptions {
  bool follow_link = false;  // -L
  bool archive = false;      // -a: keep the source's owners
};

// Resolves `path` in `root` (following the final link only when asked).
StatusOr<CopyPathInfo> ResolveCopyPath(const snapshotter::RootFs& root, std::string_view path, bool follow_final);

// SRC to DEST, streamed (a writer thread feeds the extraction through a pipe).
Status CopyBetween(const CopyEndpoint& src, const CopyEndpoint& dest, const CopyOptions& options);
// SRC as a tar stream to `fd` (`cp CONTAINER:PATH -`).
Status CopyToTarStream(const CopyEndpoint& src, int fd, const CopyOptions& options);
// A tar stream read from `fd` extracted into the existing directory DEST (`cp - CONTAINER:PATH`).
Status CopyFromTarStream(int fd, const CopyEndpoint& dest, const CopyOptions& options);

}  // namespace mybuild::engine

#endif  // MYBUILD_ENGINE_CONTAINER_COPY_H_

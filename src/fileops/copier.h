// Executing one COPY or ADD into a destination rootfs (Docker's COPY/ADD reference, BuildKit behaviour).
//
// Every write goes through snapshotter::RootFs (resolved inside the destination, afresh per call: a
// `/dest -> /etc` symlink planted by an earlier RUN lands in the rootfs's /etc, never the host's); every
// read of a kPath source goes through the source root's RootFs and fd-based walks (source_walker.h).
//
// Destination rules:
//   - `dest` is made absolute against spec.workdir, then its symlinks are followed inside the root, the
//     final component's and dangling ones included (ResolveDestinationInRoot, copy_destination.h): all
//     writes go to the resolved path. It is "a directory" when it ends in "/" (or is "." / ends in "/."
//     or "/..") or the resolved path exists as a directory. Symlinks met below dest are not followed.
//   - A directory source copies its contents into dest (dest created if missing); a file source goes to
//     dest/<name> when dest is a directory, else becomes the file dest. Several sources (incl. several
//     wildcard matches) need a directory dest.
//   - Missing parents of dest are created 0755, owned by the --chown owner (0:0 without it); their mtime
//     is the time of creation. An existing destination directory keeps its metadata; subdirectories
//     copied over existing ones take the source's metadata. A file over an existing directory, or a
//     directory over an existing non-directory, is an error (BuildKit's behaviour).
//   - Ownership: --chown for every copied entry; else 0:0 for context sources, the source's for stage
//     sources. Modes: the source's, or --chmod applied to files and directories. Mtimes: the source's.
//   - Xattrs: a copied regular file keeps its security.capability (the only xattr BuildKit's layers
//     record, SourceEntry::LayerXattrs); user.* and the others are not copied.
//   - Symlinks below a source are copied as links; a source named directly (or matched by a wildcard)
//     that is a symlink is followed inside its root. Hardlinked files of one COPY stay hardlinked.
//   - --parents keeps each match's root-relative path (after a "/./" pivot) below dest.
//   - Heredoc sources become files with mode 0644 (or --chmod) and mtime 0 (the epoch, for reproducible
//     layers).
//   - ADD: a local regular file that is a tar archive (plain / gzip / bzip2 / xz / zstd, by content) is
//     extracted into dest (snapshotter::ExtractArchive, whiteouts not processed) unless unpack == false;
//     http(s) URLs are downloaded (mode 0600, mtime from Last-Modified or 0, size-bounded, --checksum
//     verified before anything is written to the rootfs) and extracted only with unpack == true.
//   - ADD <git repository> (git_source.h): the tree of the resolved commit (spec.git_pinned, else resolved
//     through env.git and checked against spec.git_checksum) is checked out by env.git into a private
//     directory under scratch_dir and copied like a directory source (its content, or SUBDIR's, into dest),
//     through the same confined walk as the context; `.git` only with keep_git_dir. Owner 0:0 unless
//     --chown, --chmod applied, every mtime the commit time (the same commit gives the same layer).
//     Submodules are not checked out.
#ifndef MYBUILD_FILEOPS_COPIER_H_
#define MYBUILD_FILEOPS_COPIER_H_

#include <cstdint>
#include <filesystem>
#include <optional>

#include "snapshotter/rootfs.h"
#include "src/base/status.h"
#include "src/fileops/copy_spec.h"
#include "src/fileops/git_client.h"
#include "src/fileops/path_filter.h"
#include "src/fileops/url_fetcher.h"

namespace mybuild::fileops {

struct CopyEnvironment {
  const snapshotter::RootFs* source_root = nullptr;  // required when the spec has kPath sources
  const PathFilter* dockerignore = nullptr;          // the context's .dockerignore (context sources only)
  const snapshotter::RootFs* dest = nullptr;         // required
  UrlFetcher* fetcher = nullptr;                     // required for http(s) kUrl sources
  GitClient* git = nullptr;                          // required for git kUrl sources
  std::filesystem::path scratch_dir;                 // host dir for downloads, checkouts ($TMPDIR when empty)
};

struct CopyStats {
  uint64_t files = 0;
  uint64_t directories = 0;
  uint64_t symlinks = 0;
  uint64_t hardlinks = 0;
  uint64_t other = 0;
  uint64_t bytes = 0;
  uint64_t archives_extracted = 0;
};

StatusOr<CopyStats> ExecuteCopy(const CopySpec& spec, const CopyEnvironment& env);

// The owner --chown names: spec.owner if set; else spec.chown parsed ("uid[:gid]" numerically, names
// through /etc/passwd and /etc/group of `dest`; without a group the gid is the uid, as Docker documents);
// nullopt when neither is given.
StatusOr<std::optional<Owner>> ResolveChown(const CopySpec& spec, const snapshotter::RootFs& dest);

}  // namespace mybuild::fileops

#endif  // MYBUILD_FILEOPS_COPIER_H_

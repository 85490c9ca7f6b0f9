// A COPY planned as the entries of its layer, without writing a filesystem.
//
// The usual way to run a COPY is to write the files into a snapshot of the parent and diff it
// (copier.h + snapshotter/diff.h). For the common COPY (from the build context, a stage or an image)
// into paths that do not exist yet, the diff is known in advance: it is the copied entries, the directories created for them and
// the existing directories above them. PlanStreamedCopy() lists exactly those entries, with the metadata
// the copier and the diff would give them, so that the layer can be written straight from the sources
// (one read of each file, nothing written but the blob) and the snapshot made later from the layer, only
// if a later step needs the filesystem.
//
// It answers nullopt (the caller then runs the ordinary copy) whenever the outcome depends on more than
// lookups in the parent: ADD, URL and heredoc sources, --parents, a source that is not a directory, file
// or symlink, a name starting with ".wh.", two sources writing the same path, a copied path that exists
// in the parent (other than a directory the copy only adds to), a symlink on the way to a destination,
// an existing directory above the copy that carries xattrs, and every error (the ordinary copy reports it
// the way the user knows it).
//
// Metadata, as the copier (copier.h) and the diff give it: copied entries keep the source's mtime, mode
// (or --chmod) and owner (0:0 for the context, the source's for a stage, or --chown); directories created
// for the destination are 0755, owned by the --chown owner (else 0:0), with mtime `now`; an existing
// directory keeps its metadata, and its mtime becomes `now` when the copy adds a name to it. A copied
// regular file carries its security.capability xattr, as the copier sets it.
#ifndef MYBUILD_FILEOPS_STREAMED_COPY_H_
#define MYBUILD_FILEOPS_STREAMED_COPY_H_

#include <optional>
#include <string>
#include <vector>

#include "snapshotter/layer_entry.h"
#include "snapshotter/rootfs.h"
#include "src/base/status.h"
#include "src/base/unique_fd.h"
#include "src/fileops/copier.h"
#include "src/fileops/copy_spec.h"

namespace mybuild::fileops {

struct StreamedEntry {
  snapshotter::LayerEntry entry;  // entry.source stays empty: the content is `source_rel` in the source root
  std::string source_rel;         // kRegular: the file, relative to the source root
  bool follow_final = false;      // the file was named by the COPY itself (its symlink is followed)
  dev_t dev = 0;                  // identity of the planned file, checked again when it is read
  ino_t ino = 0;
};

// `env.dest` is the parent's rootfs, read only, or null for an empty parent; `env.source_root` is the
// source root. Entries come in layer order (snapshotter::EntryPathLess).
StatusOr<std::optional<std::vector<StreamedEntry>>> PlanStreamedCopy(const CopySpec& spec, const CopyEnvironment& env,
                                                                    snapshotter::Timestamp now);

// Opens a planned regular file inside `source_root` and checks that it is the same file, still regular
// and of the planned size (kFailedPrecondition otherwise: the source changed during the build).
StatusOr<UniqueFd> OpenStreamedContent(const snapshotter::RootFs& source_root, const StreamedEntry& planned);

}  // namespace mybuild::fileops

#endif  // MYBUILD_FILEOPS_STREAMED_COPY_H_

// Snapshots of root filesystems, in containerd's model.
//
//   Prepare(key, parent) → an active (writable) snapshot on top of the committed snapshot `parent`
//                          ("" = empty); returns the mounts that show it.
//   View(key, parent)    → a read-only snapshot of `parent`.
//   Mounts(key)          → the mounts of an active snapshot or view, again.
//   Commit(name, key)    → the active snapshot `key` becomes the committed snapshot `name` (key is gone).
//   Remove(key)          → deletes a snapshot that is no snapshot's parent.
//   List()               → every snapshot (for garbage collection, snapshot_gc.h).
//   Diff(key)            → the changes of an active or committed snapshot against its parent, as layer
//                          entries (see diff.h); the content sources stay valid until the snapshot is removed.
// Keys and names are any non-empty strings up to 512 bytes; they are never used as file names.
//
// On disk (ROOT is created 0700):
//   ROOT/metadata.json        {"version":1,"next_id":N,"snapshots":{KEY:{"id":"7","kind":"active|view|
//                              committed","parent":"NAME"}}}, replaced atomically (temp, fsync, rename)
//                              under an flock on ROOT/lock, so that processes sharing ROOT agree.
//   ROOT/snapshots/ID/fs      the snapshot's own files (overlay: its upper dir; native: a full tree)
//   ROOT/snapshots/ID/work    overlay work dir of an active snapshot
//   ROOT/probed               overlay: the boot id of the last successful probe (overlayfs mountable here)
// A crash can leave a snapshots/ID directory that metadata.json does not name; Cleanup() removes those.
//
// Durability: Commit() does not wait for the snapshot's files to reach the disk (a syncfs costs as much as
// everything dirty on the file system). The record notes the boot it was committed in ("synced":false,
// "boot_id", "committed_at"). Opening the snapshotter forgets unsynced snapshots of an earlier boot (a
// power loss may have torn them; the worker makes them again from their layer blobs, which are fsynced),
// and syncs those of this boot that are older than 30 s.
#ifndef MYBUILD_SNAPSHOTTER_SNAPSHOTTER_H_
#define MYBUILD_SNAPSHOTTER_SNAPSHOTTER_H_

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "snapshotter/layer_entry.h"
#include "snapshotter/scoped_mount.h"
#include "src/base/status.h"

namespace mybuild::snapshotter {

enum class SnapshotKind { kActive, kView, kCommitted };

struct SnapshotInfo {
  std::string key;
  SnapshotKind kind = SnapshotKind::kActive;
  std::string parent;  // "" for none
  std::filesystem::path dir;  // ROOT/snapshots/ID/fs (for a native view: the parent's)
};

class Snapshotter {
 public:
  virtual ~Snapshotter() = default;
  virtual StatusOr<std::vector<Mount>> Prepare(const std::string& key, const std::string& parent) = 0;
  virtual StatusOr<std::vector<Mount>> View(const std::string& key, const std::string& parent) = 0;
  virtual StatusOr<std::vector<Mount>> Mounts(const std::string& key) = 0;
  virtual Status Commit(const std::string& name, const std::string& key) = 0;
  virtual Status Remove(const std::string& key) = 0;
  virtual StatusOr<SnapshotInfo> Stat(const std::string& key) = 0;
  // Every snapshot, sorted by key.
  virtual StatusOr<std::vector<SnapshotInfo>> List() = 0;
  virtual StatusOr<std::vector<LayerEntry>> Diff(const std::string& key) = 0;
  // Removes snapshot directories that no metadata names (left by a crash).
  virtual Status Cleanup() = 0;
};

// Mounts the active snapshot or view `key` on the existing directory `mountpoint` until the result is
// destroyed (e.g. to apply a layer into it with ApplyLayer(RootFs::Open(mountpoint), …)).
StatusOr<ScopedMount> MountSnapshot(Snapshotter& snapshotter, const std::string& key,
                                    const std::filesystem::path& mountpoint);

// overlayfs: committed snapshots are upper dirs stacked as lowerdirs. Fails (kFailedPrecondition) when
// overlayfs cannot be mounted here; callers then fall back to the native snapshotter.
StatusOr<std::unique_ptr<Snapshotter>> NewOverlaySnapshotter(const std::filesystem::path& root);
// Copying: every snapshot is a full tree; mounts are bind mounts. Works everywhere.
StatusOr<std::unique_ptr<Snapshotter>> NewNativeSnapshotter(const std::filesystem::path& root);
// An existing snapshot root of either kind, opened to list and remove snapshots (garbage collection)
// without probing whether overlayfs can be mounted here; Mounts() of an overlay root may not work.
StatusOr<std::unique_ptr<Snapshotter>> OpenSnapshotterForCleanup(const std::filesystem::path& root, bool overlay);

}  // namespace mybuild::snapshotter

#endif  // MYBUILD_SNAPSHOTTER_SNAPSHOTTER_H_

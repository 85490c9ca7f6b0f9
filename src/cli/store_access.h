// Opening the parts of a state root (the local store, the snapshotter, this process's scratch
// directory) and finding images in the store by name or ID, as `build` and the image-store commands
// (import, load, images, tag, rmi, save, inspect) need.
#ifndef MYBUILD_CLI_STORE_ACCESS_H_
#define MYBUILD_CLI_STORE_ACCESS_H_

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cache/blob_store.h"
#include "cache/file_lock.h"
#include "snapshotter/snapshotter.h"
#include "src/base/digest.h"
#include "src/base/status.h"
#include "src/cli/global_options.h"
#include "src/image/image_store.h"

namespace mybuild::cli {

// The blob store and the tag store of one state root, with the root's GC lock held (first, so that it
// is released last).
struct LocalStore {
  cache::FileLock in_use;
  std::filesystem::path root;
  cache::BlobStore blobs;
  image::ImageStore images;
};

// Opens (creating when missing: the root itself mode 0700, its parents 0755) the state root chosen by
// ResolveRoot(global), holding its GC lock in `mode`: shared for every command but prune (cache/gc.h).
StatusOr<LocalStore> OpenLocalStore(const GlobalOptions& global,
                                    cache::FileLock::Mode mode = cache::FileLock::Mode::kShared);

// Takes the GC lock of the existing state root `root` (cache/gc.h): shared for a command that uses the
// root, waiting for a running prune; exclusive for prune, waiting for every running command.
StatusOr<cache::FileLock> LockStateRoot(const std::filesystem::path& root, cache::FileLock::Mode mode);

// Creates `dir` (and its parents) and sets its mode to 0700.
Status MakePrivateDir(const std::filesystem::path& dir);

// The snapshotter of the state root `root`: ROOT/snapshots/overlay or ROOT/snapshots/native. `choice` is
// "overlay", "native" or "auto" (overlay where overlayfs can be mounted, else native), as `--snapshotter`.
// When "auto" falls back to native, one warning line says why (a copying snapshotter is much slower).
StatusOr<std::unique_ptr<snapshotter::Snapshotter>> OpenSnapshotter(const std::filesystem::path& root,
                                                                    const std::string& choice);

// The snapshotter OpenSnapshotter() picks, its name ("overlay", "native") and why (for `mybuild info`).
struct SnapshotterChoice {
  std::unique_ptr<snapshotter::Snapshotter> snapshotter;
  std::string name;
  std::string reason;
};
StatusOr<SnapshotterChoice> ChooseSnapshotter(const std::filesystem::path& root, const std::string& choice);

// This process's private scratch directory ROOT/tmp/build-<pid> (mountpoints of snapshots, sandboxes,
// downloads), removed with everything in it on destruction. Creating it first cleans up after killed
// processes (stale_scratch.h), then moves the process into its private mount namespace
// (mount_namespace.h): create it before mounting anything.
class ScratchDir {
 public:
  static StatusOr<ScratchDir> Create(const std::filesystem::path& root);
  ScratchDir() = default;
  ~ScratchDir();
  ScratchDir(ScratchDir&& other) noexcept;
  ScratchDir& operator=(ScratchDir&& other) noexcept;
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  explicit ScratchDir(std::filesystem::path path) : path_(std::move(path)) {}
  void Remove();
  std::filesystem::path path_;
};

// A tag and the image it names.
struct TaggedImage {
  std::string name;  // normalised reference, e.g. "docker.io/library/busybox:latest"
  image::StoredImage image;
};

// Every tag with its image loaded (manifest + config), sorted by name. Tags whose image cannot be loaded
// (blobs missing or corrupt) are reported in `broken` (name -> error) instead of failing the listing.
struct TagListing {
  std::vector<TaggedImage> images;
  std::map<std::string, Status> broken;
};
StatusOr<TagListing> ListTaggedImages(const LocalStore& store);

// How an argument named an image.
struct ResolvedImage {
  Digest manifest;
  std::string tag;  // the normalised reference when the argument was a tagged name; empty for an ID
};

// Finds the image an argument names, trying in order:
//   1. a tagged name ("busybox", "me/app:1.0", full references);
//   2. a full digest "sha256:<hex>": a manifest in the blob store, else the config digest (image ID) of
//      a tagged image;
//   3. an ID prefix (at least 4 lowercase hex digits, "sha256:" optional) of the config or manifest
//      digest of a tagged image; a prefix matching two different images is an error.
// kNotFound ("no such image: ARG") when nothing matches.
StatusOr<ResolvedImage> ResolveImage(const LocalStore& store, std::string_view argument);

// A name for a new tag: normalised; a digest ("name@sha256:...") is refused, as docker does.
StatusOr<std::string> NormalizeTagName(std::string_view name);

// REPOSITORY and TAG as `docker images` shows them ("busybox", "latest") for a normalised name.
std::pair<std::string, std::string> FamiliarRepositoryAndTag(const std::string& name);

// The short name docker shows for a normalised reference ("busybox:latest"); the input when unparsable.
std::string FamiliarName(const std::string& name);

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_STORE_ACCESS_H_

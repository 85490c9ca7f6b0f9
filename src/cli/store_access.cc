#include "src/cli/store_access.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <iostream>
#include <mutex>
#include <set>
#include <system_error>

#include "cache/gc.h"
#include "snapshotter/overlay_options.h"
#include "src/base/logging.h"
#include "src/cli/mount_namespace.h"
#include "src/cli/stale_scratch.h"
#include "src/image/reference.h"
#include "src/rootless/user_namespace.h"

namespace mybuild::cli {
namespace {

bool IsLowerHex(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

constexpr size_t kMinIdPrefix = 4;

}  // namespace

StatusOr<cache::FileLock> LockStateRoot(const std::filesystem::path& root, cache::FileLock::Mode mode) {
  // A command waits for a prune quietly (info); prune says on stderr why it does not start.
  return cache::AcquireGcLock(root, mode, [&] {
    if (mode == cache::FileLock::Mode::kShared) {
      spdlog::info("waiting for a running prune of {} to finish", root.string());
    } else {
      std::cerr << "waiting for running builds and store commands on " << root.string() << " to finish\n";
    }
  });
}

StatusOr<LocalStore> OpenLocalStore(const GlobalOptions& global, cache::FileLock::Mode mode) {
  const std::filesystem::path root = ResolveRoot(global);
  if (root.has_parent_path()) {
    std::error_code error;
    std::filesystem::create_directories(root.parent_path(), error);
    if (error) {
      return Status(StatusCode::kIo, "create the parent of the state root " + root.string() + ": " +
                                         error.message());
    }
  }
  if (::mkdir(root.c_str(), 0700) != 0 && errno != EEXIST) return ErrnoError("mkdir " + root.string());
  MB_RETURN_IF_ERROR(rootless::CheckStateRootOwner(root));
  MB_ASSIGN_OR_RETURN(cache::FileLock in_use, LockStateRoot(root, mode));
  MB_ASSIGN_OR_RETURN(cache::BlobStore blobs, cache::BlobStore::Open(root));
  MB_ASSIGN_OR_RETURN(image::ImageStore images, image::ImageStore::Open(root));
  return LocalStore{std::move(in_use), root, std::move(blobs), std::move(images)};
}

Status MakePrivateDir(const std::filesystem::path& dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) return Status(StatusCode::kIo, "mkdir " + dir.string() + ": " + error.message());
  if (::chmod(dir.c_str(), 0700) != 0) return ErrnoError("chmod " + dir.string());
  return Status::Ok();
}

StatusOr<SnapshotterChoice> ChooseSnapshotter(const std::filesystem::path& root, const std::string& choice) {
  MB_RETURN_IF_ERROR(MakePrivateDir(root / "snapshots"));
  if (choice == "native") {
    MB_ASSIGN_OR_RETURN(auto native, snapshotter::NewNativeSnapshotter(root / "snapshots" / "native"));
    return SnapshotterChoice{std::move(native), "native", "chosen with --snapshotter native"};
  }
  StatusOr<std::unique_ptr<snapshotter::Snapshotter>> overlay =
      snapshotter::NewOverlaySnapshotter(root / "snapshots" / "overlay");
  const std::string userxattr = snapshotter::InNestedUserNamespace() ? " with userxattr (in a user namespace)" : "";
  if (overlay.ok()) return SnapshotterChoice{std::move(*overlay), "overlay", "overlayfs mounts here" + userxattr};
  if (choice == "overlay") return overlay.status();
  MB_ASSIGN_OR_RETURN(auto native, snapshotter::NewNativeSnapshotter(root / "snapshots" / "native"));
  return SnapshotterChoice{std::move(native), "native",
                           "overlayfs" + userxattr + " is refused here (" + overlay.status().message() + ")"};
}

StatusOr<std::unique_ptr<snapshotter::Snapshotter>> OpenSnapshotter(const std::filesystem::path& root,
                                                                    const std::string& choice) {
  MB_ASSIGN_OR_RETURN(SnapshotterChoice chosen, ChooseSnapshotter(root, choice));
  if (chosen.name == "native" && choice != "native") {
    static std::once_flag said;
    std::call_once(said, [&] { spdlog::warn("using the copying (native) snapshotter, which is slower: {}", chosen.reason); });
  }
  return std::move(chosen.snapshotter);
}

StatusOr<ScratchDir> ScratchDir::Create(const std::filesystem::path& root) {
  RemoveStaleScratch(root / "tmp");  // what killed processes left mounted (in the host's namespace: first)
  // Every command that mounts creates its scratch directory before it mounts anything, and before the
  // solver's threads start: from here on its mounts vanish with the process.
  MB_RETURN_IF_ERROR(EnterPrivateMountNamespace());
  std::filesystem::path dir = root / "tmp" / ("build-" + std::to_string(::getpid()));
  MB_RETURN_IF_ERROR(MakePrivateDir(dir));
  return ScratchDir(std::move(dir));
}

ScratchDir::~ScratchDir() { Remove(); }

ScratchDir::ScratchDir(ScratchDir&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }

ScratchDir& ScratchDir::operator=(ScratchDir&& other) noexcept {
  if (this != &other) {
    Remove();
    path_ = std::move(other.path_);
    other.path_.clear();
  }
  return *this;
}

void ScratchDir::Remove() {
  if (path_.empty()) return;
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);  // remove_all does not follow symlinks
  path_.clear();
}

StatusOr<TagListing> ListTaggedImages(const LocalStore& store) {
  MB_ASSIGN_OR_RETURN(auto tags, store.images.List());
  TagListing listing;
  std::map<Digest, StatusOr<image::StoredImage>> loaded;
  for (const auto& [name, manifest] : tags) {
    auto it = loaded.find(manifest);
    if (it == loaded.end()) it = loaded.emplace(manifest, image::LoadImage(store.blobs, manifest)).first;
    if (it->second.ok()) {
      listing.images.push_back(TaggedImage{name, *it->second});
    } else {
      listing.broken.emplace(name, it->second.status());
    }
  }
  return listing;
}

StatusOr<ResolvedImage> ResolveImage(const LocalStore& store, std::string_view argument) {
  const Status not_found = NotFound("no such image: " + std::string(argument));
  // 1. A tagged name.
  if (StatusOr<std::string> name = image::NormalizeReference(argument); name.ok()) {
    StatusOr<Digest> manifest = store.images.Resolve(*name);
    if (manifest.ok()) return ResolvedImage{*manifest, *name};
    if (manifest.status().code() != StatusCode::kNotFound) return manifest.status();
  }
  std::string_view hex = argument;
  if (hex.rfind("sha256:", 0) == 0) hex.remove_prefix(7);
  if (!IsLowerHex(hex) || hex.size() < kMinIdPrefix || hex.size() > 64) return not_found;
  // 2. A full manifest digest, tagged or not.
  if (hex.size() == 64) {
    const Digest digest = Digest::FromHex(std::string(hex));
    if (store.blobs.Has(digest) && image::LoadImage(store.blobs, digest).ok()) return ResolvedImage{digest, ""};
  }
  // 2/3. A (prefix of a) config or manifest digest of a tagged image.
  MB_ASSIGN_OR_RETURN(TagListing listing, ListTaggedImages(store));
  std::set<Digest> matches;
  for (const TaggedImage& tagged : listing.images) {
    if (tagged.image.config_digest.hex().rfind(hex, 0) == 0 ||
        tagged.image.manifest_digest.hex().rfind(hex, 0) == 0) {
      matches.insert(tagged.image.manifest_digest);
    }
  }
  if (matches.empty()) return not_found;
  if (matches.size() > 1) {
    return InvalidArgument("image ID \"" + std::string(argument) + "\" is ambiguous: it matches " +
                           std::to_string(matches.size()) + " images; give more digits");
  }
  return ResolvedImage{*matches.begin(), ""};
}

StatusOr<std::string> NormalizeTagName(std::string_view name) {
  MB_ASSIGN_OR_RETURN(image::Reference ref, image::ParseReference(name));
  if (ref.digest) {
    return InvalidArgument("image name \"" + std::string(name) +
                           "\": a tag cannot contain a digest (expected NAME[:TAG])");
  }
  return ref.ToString();
}

std::pair<std::string, std::string> FamiliarRepositoryAndTag(const std::string& name) {
  StatusOr<image::Reference> ref = image::ParseReference(name);
  if (!ref.ok()) return {name, "<none>"};
  std::string tag = ref->tag.empty() ? "<none>" : ref->tag;
  image::Reference repository = *ref;
  repository.tag.clear();
  repository.digest.reset();
  return {repository.Familiar(), tag};
}

std::string FamiliarName(const std::string& name) {
  StatusOr<image::Reference> ref = image::ParseReference(name);
  return ref.ok() ? ref->Familiar() : name;
}

}  // namespace mybuild::cli

#include "src/image/snapshot_layer.h"

#include "snapshotter/diff.h"

namespace mybuild::image {
namespace {

EntryType ToLayerType(snapshotter::EntryType type) {
  switch (type) {
    case snapshotter::EntryType::kRegular: return EntryType::kFile;
    case snapshotter::EntryType::kDirectory: return EntryType::kDirectory;
    case snapshotter::EntryType::kSymlink: return EntryType::kSymlink;
    case snapshotter::EntryType::kHardlink: return EntryType::kHardlink;
    case snapshotter::EntryType::kCharDevice: return EntryType::kCharDevice;
    case snapshotter::EntryType::kBlockDevice: return EntryType::kBlockDevice;
    case snapshotter::EntryType::kFifo: return EntryType::kFifo;
    case snapshotter::EntryType::kWhiteout: return EntryType::kFile;  // handled by the caller
  }
  return EntryType::kFile;
}

}  // namespace

LayerEntry FromSnapshotEntry(const snapshotter::LayerEntry& entry) {
  if (entry.type == snapshotter::EntryType::kWhiteout) {
    // The diff already names the OCI whiteout (".wh.name" or ".wh..wh..opq"): an empty 0:0 file.
    LayerEntry whiteout;
    whiteout.path = entry.path;
    whiteout.type = EntryType::kFile;
    whiteout.mode = 0;
    return whiteout;
  }
  LayerEntry out;
  out.path = entry.path;
  out.type = ToLayerType(entry.type);
  out.mode = entry.mode & 07777;
  out.uid = entry.uid;
  out.gid = entry.gid;
  out.size = entry.type == snapshotter::EntryType::kRegular ? entry.size : 0;
  out.mtime = entry.mtime.seconds;
  out.link_target = entry.linkname;
  out.xattrs = entry.xattrs;
  out.dev_major = entry.devmajor;
  out.dev_minor = entry.devminor;
  if (entry.type == snapshotter::EntryType::kRegular && entry.size > 0) {
    snapshotter::LayerEntry copy = entry;
    out.file = [copy] { return snapshotter::OpenEntryContent(copy); };
  }
  return out;
}

StatusOr<LayerResult> WriteSnapshotLayer(const std::vector<snapshotter::LayerEntry>& entries,
                                         const cache::BlobStore& store, const LayerOptions& options) {
  LayerWriter writer(options);
  for (const snapshotter::LayerEntry& entry : entries) {
    MB_RETURN_IF_ERROR(writer.Add(FromSnapshotEntry(entry)).WithContext("layer entry " + entry.path));
  }
  return writer.Write(store);
}

StatusOr<LayerResult> WriteTreeLayer(const std::filesystem::path& dir, const cache::BlobStore& store,
                                     const LayerOptions& options) {
  MB_ASSIGN_OR_RETURN(std::vector<snapshotter::LayerEntry> entries, snapshotter::DiffTrees("", dir));
  return WriteSnapshotLayer(entries, store, options);
}

}  // namespace mybuild::image

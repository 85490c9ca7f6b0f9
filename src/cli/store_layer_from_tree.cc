#include "src/cli/store_layer_from_tree.h"

#include "snapshotter/diff.h"

namespace mybuild::cli {
namespace {

image::EntryType ToImageType(snapshotter::EntryType type) {
  switch (type) {
    case snapshotter::EntryType::kRegular:
    case snapshotter::EntryType::kWhiteout:
      return image::EntryType::kFile;
    case snapshotter::EntryType::kDirectory:
      return image::EntryType::kDirectory;
    case snapshotter::EntryType::kSymlink:
      return image::EntryType::kSymlink;
    case snapshotter::EntryType::kHardlink:
      return image::EntryType::kHardlink;
    case snapshotter::EntryType::kCharDevice:
      return image::EntryType::kCharDevice;
    case snapshotter::EntryType::kBlockDevice:
      return image::EntryType::kBlockDevice;
    case snapshotter::EntryType::kFifo:
      return image::EntryType::kFifo;
  }
  return image::EntryType::kFile;
}

}  // namespace

image::LayerEntry ToImageLayerEntry(const snapshotter::LayerEntry& entry) {
  image::LayerEntry out;
  out.path = entry.path;
  out.type = ToImageType(entry.type);
  if (entry.type == snapshotter::EntryType::kWhiteout) {
    out.mode = 0;
    return out;
  }
  out.mode = entry.mode & 07777;
  out.uid = entry.uid;
  out.gid = entry.gid;
  out.mtime = entry.mtime.seconds;
  out.xattrs = entry.xattrs;
  switch (entry.type) {
    case snapshotter::EntryType::kRegular:
      out.size = entry.size;
      if (entry.size > 0) {
        out.content = image::ContentFromOpener([entry] { return snapshotter::OpenEntryContent(entry); });
      }
      break;
    case snapshotter::EntryType::kSymlink:
    case snapshotter::EntryType::kHardlink:
      out.link_target = entry.linkname;
      break;
    case snapshotter::EntryType::kCharDevice:
    case snapshotter::EntryType::kBlockDevice:
      out.dev_major = entry.devmajor;
      out.dev_minor = entry.devminor;
      break;
    default:
      break;
  }
  return out;
}

StatusOr<image::LayerResult> WriteLayerFromEntries(const cache::BlobStore& store,
                                                   const std::vector<snapshotter::LayerEntry>& entries,
                                                   const image::LayerOptions& options) {
  image::LayerWriter writer(options);
  for (const snapshotter::LayerEntry& entry : entries) {
    Status added = writer.Add(ToImageLayerEntry(entry));
    if (!added.ok()) return added.WithContext("layer entry \"" + entry.path + "\"");
  }
  return writer.Write(store);
}

StatusOr<image::LayerResult> WriteLayerFromTree(const cache::BlobStore& store, const std::filesystem::path& dir,
                                                const image::LayerOptions& options) {
  MB_ASSIGN_OR_RETURN(std::vector<snapshotter::LayerEntry> entries, snapshotter::DiffTrees({}, dir));
  return WriteLayerFromEntries(store, entries, options);
}

}  // namespace mybuild::cli

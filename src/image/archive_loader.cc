// LoadArchive (declared in exporters.h): OCI-layout and docker-archive tarballs into the blob store.
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <unistd.h>

#include <map>
#include <memory>
#include "src/base/tar_names.h"

#include "src/image/compression.h"
#include "src/image/exporters.h"
#include "src/image/image_store.h"
#include "src/image/layer_writer.h"
#include "src/image/manifest.h"
#include "src/image/reference.h"

namespace mybuild::image {
namespace {

constexpr size_t kChunk = 1 << 18;
constexpr int kMaxLinkHops = 16;

struct ReadDeleter {
  void operator()(struct archive* a) const { archive_read_free(a); }
};

// What the archive held, by normalised entry name.
struct ArchiveContents {
  std::map<std::string, std::string> metadata;   // oci-layout, index.json, manifest.json
  std::map<std::string, cache::BlobInfo> files;  // every other regular file, stored as a blob
  std::map<std::string, std::string> links;      // symlink/hardlink name -> target entry name

  StatusOr<cache::BlobInfo> Find(const std::string& name) const {
    std::string current = name;
    for (int hop = 0; hop <= kMaxLinkHops; ++hop) {
      auto file = files.find(current);
      if (file != files.end()) return file->second;
      auto link = links.find(current);
      if (link == links.end()) return InvalidArgument("archive has no file \"" + name + "\"");
      current = link->second;
    }
    return InvalidArgument("archive entry \"" + name + "\": too many links");
  }
};

bool IsMetadataName(const std::string& name) {
  return name == "oci-layout" || name == "index.json" || name == "manifest.json" || name == "repositories";
}

// Resolves a symlink's text relative to the link's directory, lexically, within the archive.
StatusOr<std::string> ResolveLinkTarget(const std::string& link, const std::string& target) {
  if (!target.empty() && target.front() == '/') {
    return InvalidArgument("archive entry \"" + link + "\": absolute link target \"" + target + "\"");
  }
  std::vector<std::string> parts;
  size_t slash = link.rfind('/');
  std::string joined = (slash == std::string::npos ? "" : link.substr(0, slash + 1)) + target;
  size_t pos = 0;
  while (pos <= joined.size()) {
    size_t next = joined.find('/', pos);
    if (next == std::string::npos) next = joined.size();
    std::string part = joined.substr(pos, next - pos);
    pos = next + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (parts.empty())
        return InvalidArgument("archive entry \"" + link + "\": link target leaves the archive");
      parts.pop_back();
      continue;
    }
    parts.push_back(part);
  }
  std::string out;
  for (const std::string& part : parts) out += (out.empty() ? "" : "/") + part;
  return out;
}

Status ReadArchive(const cache::BlobStore& store, int fd, const LoadLimits& limits,
                   ArchiveContents& contents) {
  const base::TarNameScope names;  // names are bytes, whatever the locale (src/base/tar_names.h)
  std::unique_ptr<struct archive, ReadDeleter> owner(archive_read_new());
  struct archive* a = owner.get();
  archive_read_support_format_tar(a);
  archive_read_support_filter_none(a);
  archive_read_support_filter_gzip(a);
  archive_read_support_filter_zstd(a);
  if (archive_read_open_fd(a, fd, kChunk) != ARCHIVE_OK) {
    return InvalidArgument(std::string("not a readable tar archive: ") + archive_error_string(a));
  }
  uint64_t entries = 0;
  uint64_t total = 0;
  std::unique_ptr<char[]> buffer(new char[kChunk]);
  for (;;) {
    archive_entry* entry = nullptr;
    int rc = archive_read_next_header(a, &entry);
    if (rc == ARCHIVE_EOF) break;
    if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
      return InvalidArgument(std::string("reading the archive: ") + archive_error_string(a));
    }
    if (++entries > limits.max_entries) {
      return ResourceExhausted("archive has more than " + std::to_string(limits.max_entries) + " entries");
    }
    const char* raw = archive_entry_pathname(entry);
    std::string raw_name = raw ? raw : "";
    if (!raw_name.empty() && raw_name.front() == '/') {
      return InvalidArgument("archive entry \"" + raw_name + "\": absolute path");
    }
    StatusOr<std::string> name = NormalizeLayerPath(raw_name);
    if (!name.ok()) {
      if (raw_name == "." || raw_name == "./") continue;
      return name.status().WithContext("archive entry");
    }
    const std::string where = "archive entry \"" + *name + "\"";
    if (const char* hardlink = archive_entry_hardlink(entry)) {
      StatusOr<std::string> target = NormalizeLayerPath(hardlink);
      if (!target.ok()) return target.status().WithContext(where);
      contents.links[*name] = *target;
      continue;
    }
    mode_t type = archive_entry_filetype(entry);
    if (type == AE_IFDIR) continue;
    if (type == AE_IFLNK) {
      MB_ASSIGN_OR_RETURN(
          contents.links[*name],
          ResolveLinkTarget(*name, archive_entry_symlink(entry) ? archive_entry_symlink(entry) : ""));
      continue;
    }
    if (type != AE_IFREG) return InvalidArgument(where + ": unexpected entry type in an image archive");
    if (!archive_entry_size_is_set(entry) || archive_entry_size(entry) < 0) {
      return InvalidArgument(where + ": missing size");
    }
    uint64_t size = static_cast<uint64_t>(archive_entry_size(entry));
    total += size;
    if (total > limits.max_total_bytes) {
      return ResourceExhausted("archive contents exceed " + std::to_string(limits.max_total_bytes) +
                               " bytes");
    }
    auto read_data = [&](const std::function<Status(std::string_view)>& write) -> Status {
      uint64_t seen = 0;
      for (;;) {
        la_ssize_t n = archive_read_data(a, buffer.get(), kChunk);
        if (n < 0) return InvalidArgument(where + ": " + archive_error_string(a));
        if (n == 0) break;
        seen += static_cast<uint64_t>(n);
        if (seen > size) return InvalidArgument(where + ": more data than its header says");
        MB_RETURN_IF_ERROR(write(std::string_view(buffer.get(), static_cast<size_t>(n))));
      }
      if (seen != size) return InvalidArgument(where + ": truncated");
      return Status::Ok();
    };
    if (IsMetadataName(*name)) {
      if (size > kMaxJsonBytes) return ResourceExhausted(where + ": larger than 4 MiB");
      std::string text;
      MB_RETURN_IF_ERROR(read_data([&](std::string_view bytes) {
        text.append(bytes);
        return Status::Ok();
      }));
      contents.metadata[*name] = std::move(text);
      continue;
    }
    std::optional<Digest> expected;
    constexpr std::string_view kBlobs = "blobs/";
    if (name->compare(0, kBlobs.size(), kBlobs) == 0) {
      constexpr std::string_view kSha = "blobs/sha256/";
      if (name->compare(0, kSha.size(), kSha) != 0)
        return InvalidArgument(where + ": unsupported digest algorithm");
      StatusOr<Digest> digest = Digest::Parse("sha256:" + name->substr(kSha.size()));
      if (!digest.ok()) return digest.status().WithContext(where);
      expected = *digest;
    }
    MB_ASSIGN_OR_RETURN(cache::BlobWriter writer, store.BeginWrite());
    MB_RETURN_IF_ERROR(read_data([&](std::string_view bytes) { return writer.Write(bytes); }));
    StatusOr<cache::BlobInfo> info = writer.Commit(expected, size);
    if (!info.ok()) return info.status().WithContext(where);
    contents.files[*name] = *info;
  }
  return Status::Ok();
}

// Checks that every blob of an image is present with its descriptor's size and that every layer
// decompresses to the config's diff_id.
Status VerifyImage(const cache::BlobStore& store, const Digest& manifest, const LoadLimits& limits) {
  MB_ASSIGN_OR_RETURN(StoredImage image, LoadImage(store, manifest));
  for (size_t i = 0; i < image.manifest.layers.size(); ++i) {
    const Descriptor& layer = image.manifest.layers[i];
    MB_ASSIGN_OR_RETURN(uint64_t size, store.Size(layer.digest));
    if (size != static_cast<uint64_t>(layer.size)) {
      return DataLoss("layer " + layer.digest.ToString() + " is " + std::to_string(size) +
                      " bytes, the manifest says " + std::to_string(layer.size));
    }
    MB_ASSIGN_OR_RETURN(auto uncompressed, UncompressedDigest(store, layer.digest, layer.media_type,
                                                              limits.max_layer_uncompressed));
    if (uncompressed.first != image.config.diff_ids[i]) {
      return DataLoss("layer " + layer.digest.ToString() + " decompresses to " +
                      uncompressed.first.ToString() + ", the config says " +
                      image.config.diff_ids[i].ToString());
    }
  }
  return Status::Ok();
}

std::vector<std::string> NamesFromAnnotations(const std::map<std::string, std::string>& annotations) {
  std::vector<std::string> names;
  auto full = annotations.find(std::string(kContainerdNameAnnotation));
  if (full != annotations.end()) {
    if (StatusOr<std::string> name = NormalizeReference(full->second); name.ok()) names.push_back(*name);
    return names;
  }
  auto ref = annotations.find(std::string(kRefNameAnnotation));
  // A bare tag ("latest") names no repository; only a full reference is usable as a name.
  if (ref != annotations.end() && ref->second.find_first_of("/:") != std::string::npos) {
    if (StatusOr<std::string> name = NormalizeReference(ref->second); name.ok()) names.push_back(*name);
  }
  return names;
}

StatusOr<std::vector<LoadedImage>> LoadOci(const cache::BlobStore& store, const ArchiveContents& contents,
                                           const LoadLimits& limits) {
  StatusOr<Index> index = ParseIndex(contents.metadata.at("index.json"));
  if (!index.ok()) return index.status().WithContext("index.json");
  std::vector<LoadedImage> loaded;
  std::map<Digest, size_t> positions;
  for (const Descriptor& descriptor : index->manifests) {
    MB_ASSIGN_OR_RETURN(uint64_t size, store.Size(descriptor.digest));
    if (size != static_cast<uint64_t>(descriptor.size)) {
      return DataLoss("index.json: " + descriptor.digest.ToString() + " is " + std::to_string(size) +
                      " bytes, the index says " + std::to_string(descriptor.size));
    }
    if (!positions.count(descriptor.digest)) {
      if (IsIndexMediaType(descriptor.media_type)) {
        MB_ASSIGN_OR_RETURN(std::string text, store.ReadAll(descriptor.digest, kMaxJsonBytes));
        MB_ASSIGN_OR_RETURN(Index nested, ParseIndex(text));
        for (const Descriptor& child : nested.manifests) {
          if (!IsManifestMediaType(child.media_type)) continue;
          MB_RETURN_IF_ERROR(VerifyImage(store, child.digest, limits));
        }
      } else {
        MB_RETURN_IF_ERROR(VerifyImage(store, descriptor.digest, limits));
      }
      positions[descriptor.digest] = loaded.size();
      loaded.push_back(LoadedImage{descriptor.digest, {}});
    }
    for (std::string& name : NamesFromAnnotations(descriptor.annotations)) {
      loaded[positions[descriptor.digest]].names.push_back(std::move(name));
    }
  }
  return loaded;
}

StatusOr<Compression> SniffCompression(const cache::BlobStore& store, const Digest& digest) {
  MB_ASSIGN_OR_RETURN(UniqueFd fd, store.OpenRead(digest));
  unsigned char magic[4] = {};
  ssize_t n = ::read(fd.get(), magic, sizeof magic);
  if (n >= 2 && magic[0] == 0x1f && magic[1] == 0x8b) return Compression::kGzip;
  if (n == 4 && magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd)
    return Compression::kZstd;
  return Compression::kNone;
}

StatusOr<std::vector<LoadedImage>> LoadDocker(const cache::BlobStore& store, const ArchiveContents& contents,
                                              const LoadLimits& limits) {
  MB_ASSIGN_OR_RETURN(nlohmann::json json, ParseJson(contents.metadata.at("manifest.json"), "manifest.json"));
  if (!json.is_array()) return InvalidArgument("manifest.json: expected an array");
  std::vector<LoadedImage> loaded;
  size_t i = 0;
  for (const auto& item : json) {
    const std::string where = "manifest.json[" + std::to_string(i++) + "]";
    if (!item.is_object() || !item.contains("Config") || !item["Config"].is_string()) {
      return InvalidArgument(where + ".Config: expected a file name");
    }
    std::string config_name = item["Config"].get<std::string>();
    StatusOr<std::string> normalized_config = NormalizeLayerPath(config_name);
    if (!normalized_config.ok()) return normalized_config.status().WithContext(where + ".Config");
    MB_ASSIGN_OR_RETURN(cache::BlobInfo config_blob, contents.Find(*normalized_config));
    MB_ASSIGN_OR_RETURN(std::string config_text, store.ReadAll(config_blob.digest, kMaxJsonBytes));
    StatusOr<ImageConfig> config = ParseImageConfig(config_text);
    if (!config.ok()) return config.status().WithContext(where + " config " + config_name);
    if (!item.contains("Layers") || !item["Layers"].is_array())
      return InvalidArgument(where + ".Layers: expected an array");
    const auto& layer_names = item["Layers"];
    if (layer_names.size() != config->diff_ids.size()) {
      return InvalidArgument(where + ": " + std::to_string(layer_names.size()) + " layers but " +
                             std::to_string(config->diff_ids.size()) + " diff_ids in the config");
    }
    Manifest manifest;
    manifest.config = Descriptor{std::string(media_type::kOciConfig),
                                 config_blob.digest,
                                 static_cast<int64_t>(config_blob.size),
                                 {},
                                 std::nullopt,
                                 {}};
    for (size_t l = 0; l < layer_names.size(); ++l) {
      if (!layer_names[l].is_string()) return InvalidArgument(where + ".Layers: expected file names");
      StatusOr<std::string> layer_name = NormalizeLayerPath(layer_names[l].get<std::string>());
      if (!layer_name.ok()) return layer_name.status().WithContext(where + ".Layers");
      MB_ASSIGN_OR_RETURN(cache::BlobInfo blob, contents.Find(*layer_name));
      MB_ASSIGN_OR_RETURN(Compression compression, SniffCompression(store, blob.digest));
      Descriptor layer{std::string(LayerMediaType(compression)),
                       blob.digest,
                       static_cast<int64_t>(blob.size),
                       {},
                       std::nullopt,
                       {}};
      // A docker archive carries its layers uncompressed (docker save's format); the store keeps them so,
      // as it keeps the layers a build makes, so that a saved image loads back to the same manifest. An
      // export or a push compresses them (layer_variants.h).
      manifest.layers.push_back(std::move(layer));
    }
    MB_ASSIGN_OR_RETURN(cache::BlobInfo manifest_blob, store.Put(Serialize(manifest)));
    MB_RETURN_IF_ERROR(VerifyImage(store, manifest_blob.digest, limits));
    LoadedImage image{manifest_blob.digest, {}};
    if (item.contains("RepoTags") && item["RepoTags"].is_array()) {
      for (const auto& tag : item["RepoTags"]) {
        if (!tag.is_string()) continue;
        StatusOr<std::string> name = NormalizeReference(tag.get<std::string>());
        if (!name.ok()) return name.status().WithContext(where + ".RepoTags");
        image.names.push_back(*name);
      }
    }
    loaded.push_back(std::move(image));
  }
  return loaded;
}

}  // namespace

StatusOr<std::vector<LoadedImage>> LoadArchive(const cache::BlobStore& store, int fd,
                                               const LoadLimits& limits) {
  ArchiveContents contents;
  MB_RETURN_IF_ERROR(ReadArchive(store, fd, limits, contents));
  if (contents.metadata.count("index.json")) return LoadOci(store, contents, limits);
  if (contents.metadata.count("manifest.json")) return LoadDocker(store, contents, limits);
  return InvalidArgument("not an image archive: neither index.json nor manifest.json found");
}

StatusOr<std::vector<LoadedImage>> LoadArchive(const cache::BlobStore& store,
                                               const std::filesystem::path& path, const LoadLimits& limits) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return ErrnoError("open " + path.string());
  StatusOr<std::vector<LoadedImage>> loaded = LoadArchive(store, fd.get(), limits);
  if (!loaded.ok()) return loaded.status().WithContext(path.string());
  return loaded;
}

}  // namespace mybuild::image

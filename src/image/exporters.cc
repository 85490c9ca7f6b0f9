#include "src/image/exporters.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <memory>
#include <set>

#include "src/base/files.h"
#include "src/image/compression.h"
#include "src/image/image_store.h"
#include "src/image/manifest.h"
#include "src/image/reference.h"
#include "src/image/tar_output.h"

namespace mybuild::image {
namespace {

constexpr size_t kChunk = 1 << 18;
constexpr char kOciLayoutFile[] = "{\"imageLayoutVersion\":\"1.0.0\"}";

// Reads a stored blob in chunks, verifying its digest at the end (kDataLoss when the store is corrupt).
Status StreamBlob(const cache::BlobStore& store, const Digest& digest, const ContentWriter& write) {
  MB_ASSIGN_OR_RETURN(UniqueFd fd, store.OpenRead(digest));
  std::unique_ptr<char[]> buffer(new char[kChunk]);
  Sha256 hash;
  for (;;) {
    ssize_t n = ::read(fd.get(), buffer.get(), kChunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("read blob " + digest.ToString());
    }
    if (n == 0) break;
    hash.Update(buffer.get(), static_cast<size_t>(n));
    MB_RETURN_IF_ERROR(write(std::string_view(buffer.get(), static_cast<size_t>(n))));
  }
  if (hash.Finish() != digest)
    return DataLoss("stored blob " + digest.ToString() + " does not match its digest");
  return Status::Ok();
}

ContentSource BlobSource(const cache::BlobStore& store, const Digest& digest) {
  return [&store, digest](const ContentWriter& write) { return StreamBlob(store, digest, write); };
}

ContentSource DecompressedBlobSource(const cache::BlobStore& store, const Digest& digest,
                                     Compression compression, uint64_t max) {
  return [&store, digest, compression, max](const ContentWriter& write) -> Status {
    FunctionSink out(write);
    MB_ASSIGN_OR_RETURN(std::unique_ptr<ByteSink> decompressor, MakeDecompressor(compression, &out, max));
    MB_RETURN_IF_ERROR(
        StreamBlob(store, digest, [&](std::string_view bytes) { return decompressor->Write(bytes); }));
    return decompressor->Close();
  };
}

// Where layout entries go: a tar stream or a directory.
class EntrySink {
 public:
  virtual ~EntrySink() = default;
  virtual Status AddDirectory(const std::string& name) = 0;
  virtual Status AddFile(const std::string& name, std::string_view content) = 0;
  virtual Status AddStream(const std::string& name, uint64_t size, const ContentSource& source) = 0;
};

class TarSink : public EntrySink {
 public:
  explicit TarSink(TarOutput* out) : out_(out) {}
  Status AddDirectory(const std::string& name) override { return out_->AddDirectory(name); }
  Status AddFile(const std::string& name, std::string_view content) override {
    return out_->AddFile(name, content);
  }
  Status AddStream(const std::string& name, uint64_t size, const ContentSource& source) override {
    return out_->AddStream(name, size, source);
  }

 private:
  TarOutput* out_;
};

Status WriteAll(int fd, std::string_view bytes, const std::string& what) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("write " + what);
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

// Writes `content` to PATH via a temp file and a rename, so that PATH is never half written. Not fsynced:
// an output is the user's file, like one `tar` or `cp` writes (the store's blobs are what must be durable).
Status WriteStreamAtomically(const std::filesystem::path& path,
                             const std::function<Status(int fd)>& content) {
  std::filesystem::path dir = path.parent_path().empty() ? "." : path.parent_path();
  std::string temp = (dir / ("." + path.filename().string() + ".tmp-XXXXXX")).string();
  UniqueFd fd(::mkostemp(temp.data(), O_CLOEXEC));
  if (!fd) return ErrnoError("mkostemp " + temp);
  Status status = content(fd.get());
  if (status.ok() && ::fchmod(fd.get(), 0644) != 0) status = ErrnoError("fchmod " + temp);
  fd.Reset();
  if (status.ok() && ::rename(temp.c_str(), path.c_str()) != 0)
    status = ErrnoError("rename " + temp + " to " + path.string());
  if (!status.ok()) {
    ::unlink(temp.c_str());
    return status;
  }
  return SyncDirectory(dir);
}

class DirectorySink : public EntrySink {
 public:
  explicit DirectorySink(std::filesystem::path root) : root_(std::move(root)) {}
  Status AddDirectory(const std::string& name) override {
    std::filesystem::path path = root_ / name;
    if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) return ErrnoError("mkdir " + path.string());
    return Status::Ok();
  }
  Status AddFile(const std::string& name, std::string_view content) override {
    return WriteFileAtomically(root_ / name, content, 0644);
  }
  Status AddStream(const std::string& name, uint64_t size, const ContentSource& source) override {
    std::filesystem::path path = root_ / name;
    struct stat st {};
    // Blobs are content-addressed: one already there with the right size is kept.
    if (::lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && static_cast<uint64_t>(st.st_size) == size) {
      return Status::Ok();
    }
    return WriteStreamAtomically(path, [&](int fd) -> Status {
      uint64_t written = 0;
      MB_RETURN_IF_ERROR(source([&](std::string_view bytes) -> Status {
        written += bytes.size();
        return WriteAll(fd, bytes, path.string());
      }));
      if (written != size)
        return DataLoss(path.string() + ": wrote " + std::to_string(written) + " bytes, expected " +
                        std::to_string(size));
      return Status::Ok();
    });
  }

 private:
  std::filesystem::path root_;
};

Status WriteOciLayout(const cache::BlobStore& store, const std::vector<ExportImage>& images,
                      EntrySink& sink) {
  Index index;
  std::set<Digest> blobs;
  for (const ExportImage& image : images) {
    MB_ASSIGN_OR_RETURN(StoredImage stored, LoadImage(store, image.manifest));
    MB_ASSIGN_OR_RETURN(uint64_t manifest_size, store.Size(image.manifest));
    blobs.insert(image.manifest);
    blobs.insert(stored.config_digest);
    for (const Descriptor& layer : stored.manifest.layers) blobs.insert(layer.digest);
    Descriptor descriptor;
    descriptor.media_type = stored.manifest.media_type.empty() ? std::string(media_type::kOciManifest)
                                                               : stored.manifest.media_type;
    descriptor.digest = image.manifest;
    descriptor.size = static_cast<int64_t>(manifest_size);
    if (image.names.empty()) index.manifests.push_back(descriptor);
    for (const std::string& name : image.names) {
      MB_ASSIGN_OR_RETURN(Reference ref, ParseReference(name));
      Descriptor named = descriptor;
      named.annotations[std::string(kContainerdNameAnnotation)] = ref.ToString();
      if (!ref.tag.empty()) named.annotations[std::string(kRefNameAnnotation)] = ref.tag;
      index.manifests.push_back(std::move(named));
    }
  }
  // Blobs first, index.json last: a directory reader never sees an index naming a missing blob.
  MB_RETURN_IF_ERROR(sink.AddDirectory("blobs"));
  MB_RETURN_IF_ERROR(sink.AddDirectory("blobs/sha256"));
  for (const Digest& digest : blobs) {
    MB_ASSIGN_OR_RETURN(uint64_t size, store.Size(digest));
    MB_RETURN_IF_ERROR(sink.AddStream("blobs/sha256/" + digest.hex(), size, BlobSource(store, digest)));
  }
  MB_RETURN_IF_ERROR(sink.AddFile("oci-layout", kOciLayoutFile));
  return sink.AddFile("index.json", Serialize(index));
}

Status WriteDockerLayout(const cache::BlobStore& store, const std::vector<ExportImage>& images,
                         EntrySink& sink) {
  nlohmann::json manifest = nlohmann::json::array();
  std::set<Digest> configs;
  std::map<Digest, Descriptor> layers;  // diffID -> blob
  for (const ExportImage& image : images) {
    MB_ASSIGN_OR_RETURN(StoredImage stored, LoadImage(store, image.manifest));
    configs.insert(stored.config_digest);
    nlohmann::json item = nlohmann::json::object();
    item["Config"] = stored.config_digest.hex() + ".json";
    nlohmann::json tags = nlohmann::json::array();
    for (const std::string& name : image.names) {
      MB_ASSIGN_OR_RETURN(Reference ref, ParseReference(name));
      if (ref.tag.empty()) continue;  // docker archives name images by tag only
      ref.digest.reset();
      tags.push_back(ref.Familiar());
    }
    item["RepoTags"] = tags.empty() ? nlohmann::json(nullptr) : tags;
    nlohmann::json layer_names = nlohmann::json::array();
    for (size_t i = 0; i < stored.manifest.layers.size(); ++i) {
      const Digest& diff_id = stored.config.diff_ids[i];
      layers.emplace(diff_id, stored.manifest.layers[i]);
      layer_names.push_back(diff_id.hex() + "/layer.tar");
    }
    item["Layers"] = layer_names;
    manifest.push_back(std::move(item));
  }
  MB_RETURN_IF_ERROR(sink.AddFile("manifest.json", CanonicalJson(manifest)));
  for (const Digest& config : configs) {
    MB_ASSIGN_OR_RETURN(uint64_t size, store.Size(config));
    MB_RETURN_IF_ERROR(sink.AddStream(config.hex() + ".json", size, BlobSource(store, config)));
  }
  for (const auto& [diff_id, blob] : layers) {
    MB_ASSIGN_OR_RETURN(Compression compression, CompressionOfMediaType(blob.media_type));
    MB_RETURN_IF_ERROR(sink.AddDirectory(diff_id.hex()));
    const std::string name = diff_id.hex() + "/layer.tar";
    if (compression == Compression::kNone) {
      if (blob.digest != diff_id) {
        return DataLoss("uncompressed layer " + blob.digest.ToString() + " does not match its diff_id " +
                        diff_id.ToString());
      }
      MB_ASSIGN_OR_RETURN(uint64_t size, store.Size(blob.digest));
      MB_RETURN_IF_ERROR(sink.AddStream(name, size, BlobSource(store, blob.digest)));
      continue;
    }
    // First pass: the tar's size (needed in the header) and a check of the diffID; second pass: the bytes.
    constexpr uint64_t kMaxLayer = 1ull << 40;
    MB_ASSIGN_OR_RETURN(auto uncompressed,
                        UncompressedDigest(store, blob.digest, blob.media_type, kMaxLayer));
    if (uncompressed.first != diff_id) {
      return DataLoss("layer " + blob.digest.ToString() + " decompresses to " +
                      uncompressed.first.ToString() + ", the config says " + diff_id.ToString());
    }
    MB_RETURN_IF_ERROR(
        sink.AddStream(name, uncompressed.second,
                       DecompressedBlobSource(store, blob.digest, compression, uncompressed.second)));
  }
  return Status::Ok();
}

using LayoutFunction = Status (*)(const cache::BlobStore&, const std::vector<ExportImage>&, EntrySink&);

Status WriteArchive(const cache::BlobStore& store, const std::vector<ExportImage>& images, int fd,
                    LayoutFunction layout) {
  MB_ASSIGN_OR_RETURN(std::unique_ptr<TarOutput> out, TarOutput::Open(fd));
  TarSink sink(out.get());
  MB_RETURN_IF_ERROR(layout(store, images, sink));
  return out->Close();
}

}  // namespace

StatusOr<std::pair<Digest, uint64_t>> UncompressedDigest(const cache::BlobStore& store, const Digest& blob,
                                                         std::string_view media_type,
                                                         uint64_t max_uncompressed) {
  MB_ASSIGN_OR_RETURN(Compression compression, CompressionOfMediaType(media_type));
  Sha256 hash;
  uint64_t size = 0;
  FunctionSink out([&](std::string_view bytes) {
    hash.Update(bytes);
    size += bytes.size();
    return Status::Ok();
  });
  MB_ASSIGN_OR_RETURN(std::unique_ptr<ByteSink> decompressor,
                      MakeDecompressor(compression, &out, max_uncompressed));
  Status status = StreamBlob(store, blob, [&](std::string_view bytes) { return decompressor->Write(bytes); });
  if (status.ok()) status = decompressor->Close();
  if (!status.ok()) return status.WithContext("layer " + blob.ToString());
  return std::make_pair(hash.Finish(), size);
}

Status WriteOciArchive(const cache::BlobStore& store, const std::vector<ExportImage>& images, int fd) {
  return WriteArchive(store, images, fd, &WriteOciLayout);
}

Status WriteOciArchive(const cache::BlobStore& store, const std::vector<ExportImage>& images,
                       const std::filesystem::path& path) {
  return WriteStreamAtomically(path, [&](int fd) { return WriteOciArchive(store, images, fd); });
}

Status WriteDockerArchive(const cache::BlobStore& store, const std::vector<ExportImage>& images, int fd) {
  return WriteArchive(store, images, fd, &WriteDockerLayout);
}

Status WriteDockerArchive(const cache::BlobStore& store, const std::vector<ExportImage>& images,
                          const std::filesystem::path& path) {
  return WriteStreamAtomically(path, [&](int fd) { return WriteDockerArchive(store, images, fd); });
}

Status WriteOciDirectory(const cache::BlobStore& store, const std::vector<ExportImage>& images,
                         const std::filesystem::path& dir) {
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return ErrnoError("mkdir " + dir.string());
  DirectorySink sink(dir);
  return WriteOciLayout(store, images, sink);
}

}  // namespace mybuild::image

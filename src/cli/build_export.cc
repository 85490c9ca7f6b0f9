#include "src/cli/build_export.h"

#include <fcntl.h>
#include <unistd.h>

#include <iostream>
#include <sstream>
#include <system_error>

#include "snapshotter/diff.h"
#include "snapshotter/layer_apply.h"
#include "snapshotter/rootfs.h"
#include "src/base/temp_dir.h"
#include "src/cli/registry_access.h"
#include "src/image/compression.h"
#include "src/image/exporters.h"
#include "src/image/layer_variants.h"
#include "src/image/snapshot_layer.h"

namespace mybuild::cli {
namespace {

// Applies every layer of the image, in order, onto `dir` (created if missing).
Status UnpackImage(const cache::BlobStore& blobs, const image::Manifest& manifest, const std::filesystem::path& dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) return Status(StatusCode::kIo, "mkdir " + dir.string() + ": " + error.message());
  MB_ASSIGN_OR_RETURN(snapshotter::RootFs root, snapshotter::RootFs::Open(dir));
  for (const image::Descriptor& layer : manifest.layers) {
    MB_ASSIGN_OR_RETURN(UniqueFd fd, blobs.OpenRead(layer.digest));
    MB_RETURN_IF_ERROR(snapshotter::ApplyLayer(root, fd.get()).status());
  }
  return Status::Ok();
}

Status WriteAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("write output");
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

// The final filesystem as one uncompressed tar (type=tar).
Status WriteFilesystemTar(const cache::BlobStore& blobs, const image::Manifest& manifest, const std::string& dest,
                          const std::filesystem::path& scratch_dir) {
  MB_ASSIGN_OR_RETURN(TempDir dir, TempDir::Create(scratch_dir, "export-"));
  std::filesystem::path rootfs = dir.path() / "rootfs";
  MB_RETURN_IF_ERROR(UnpackImage(blobs, manifest, rootfs));
  MB_ASSIGN_OR_RETURN(std::vector<snapshotter::LayerEntry> entries, snapshotter::DiffTrees("", rootfs));
  image::LayerWriter writer;
  for (const snapshotter::LayerEntry& entry : entries) MB_RETURN_IF_ERROR(writer.Add(image::FromSnapshotEntry(entry)));
  UniqueFd file;
  int fd = STDOUT_FILENO;
  if (dest != "-") {
    file.Reset(::open(dest.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!file) return ErrnoError("open " + dest);
    fd = file.get();
  }
  image::FunctionSink sink([fd](std::string_view bytes) { return WriteAll(fd, bytes); });
  return writer.WriteTar(sink).status();
}

// type=registry: the image under every name of the output (name=…, else the -t tags), as buildx pushes.
Status PushBuild(const OutputSpec& output, const cache::BlobStore& blobs, const Digest& manifest_digest,
                 const std::vector<std::string>& tags) {
  std::vector<std::string> names;
  std::stringstream list(output.name);
  for (std::string name; std::getline(list, name, ',');) {
    if (!name.empty()) names.push_back(name);
  }
  if (names.empty()) names = tags;
  if (names.empty()) return InvalidArgument("pushing needs an image name: use -t NAME or -o type=registry,name=NAME");
  for (const std::string& name : names) {
    RegistryAccess access;
    access.insecure = output.insecure;
    if (&name != &names.front()) access.mount_from = names.front();
    access.log = [&name](const std::string& line) { std::cerr << "push " << name << ": " << line << "\n"; };
    MB_ASSIGN_OR_RETURN(registry::PushedImage pushed, PushToReference(blobs, manifest_digest, name, access));
    std::cerr << "pushed " << name << "@" << pushed.manifest.ToString() << " (" << pushed.blobs_uploaded
              << " blobs uploaded, " << pushed.blobs_mounted << " mounted, " << pushed.blobs_skipped
              << " already there)\n";
  }
  return Status::Ok();
}

}  // namespace

StatusOr<Digest> ExportBuild(const OutputSpec& output, const cache::BlobStore& blobs, const image::StoredImage& image,
                             const std::vector<std::string>& names, const std::filesystem::path& scratch_dir) {
  std::vector<std::string> all_names = names;
  if (!output.name.empty()) all_names.push_back(output.name);
  switch (output.type) {
    case OutputSpec::Type::kImage:
      return image.manifest_digest;  // the image store already has it (build_runner tags it)
    case OutputSpec::Type::kLocal:
      MB_RETURN_IF_ERROR(UnpackImage(blobs, image.manifest, output.dest));
      return image.manifest_digest;
    case OutputSpec::Type::kTar:
      MB_RETURN_IF_ERROR(WriteFilesystemTar(blobs, image.manifest, output.dest, scratch_dir));
      return image.manifest_digest;
    case OutputSpec::Type::kOci:
    case OutputSpec::Type::kDocker:
    case OutputSpec::Type::kRegistry:
      break;
  }
  MB_ASSIGN_OR_RETURN(image::StoredImage encoded,
                      image::ImageInEncoding(blobs, image.manifest_digest, output.encoding.value_or(image::LayerEncoding{})));
  const std::vector<image::ExportImage> images = {image::ExportImage{encoded.manifest_digest, all_names}};
  const bool to_stdout = output.dest == "-";
  if (output.type == OutputSpec::Type::kOci) {
    MB_RETURN_IF_ERROR(to_stdout ? image::WriteOciArchive(blobs, images, STDOUT_FILENO)
                                 : image::WriteOciArchive(blobs, images, std::filesystem::path(output.dest)));
  } else if (output.type == OutputSpec::Type::kDocker) {
    MB_RETURN_IF_ERROR(to_stdout ? image::WriteDockerArchive(blobs, images, STDOUT_FILENO)
                                 : image::WriteDockerArchive(blobs, images, std::filesystem::path(output.dest)));
  } else {
    MB_RETURN_IF_ERROR(PushBuild(output, blobs, encoded.manifest_digest, names));
  }
  return encoded.manifest_digest;
}

}  // namespace mybuild::cli

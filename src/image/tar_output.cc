#include "src/image/tar_output.h"

#include <archive.h>
#include <archive_entry.h>
#include "src/base/tar_names.h"

namespace mybuild::image {

StatusOr<std::unique_ptr<TarOutput>> TarOutput::Open(int fd, int64_t mtime) {
  std::unique_ptr<TarOutput> out(new TarOutput());
  out->mtime_ = mtime;
  const base::TarNameScope names;
  out->archive_ = archive_write_new();
  if (!out->archive_) return Internal("archive_write_new failed");
  if (archive_write_set_format_pax_restricted(out->archive_) != ARCHIVE_OK ||
      archive_write_add_filter_none(out->archive_) != ARCHIVE_OK ||
      // Large writes: a layer of hundreds of MB in 10 KiB writes costs more system time than its copy.
      // With the unpadded last block below this changes no byte of the output.
      archive_write_set_bytes_per_block(out->archive_, 1 << 20) != ARCHIVE_OK ||
      // No padding of the last block, whatever the fd is (libarchive pads pipes and devices by default):
      // a file and standard output get the same bytes.
      archive_write_set_bytes_in_last_block(out->archive_, 1) != ARCHIVE_OK ||
      archive_write_open_fd(out->archive_, fd) != ARCHIVE_OK) {
    return out->Error("opening the output archive");
  }
  return out;
}

TarOutput::~TarOutput() {
  if (!archive_) return;
  if (!closed_) archive_write_fail(archive_);  // an unfinished archive gets no end marker
  archive_write_free(archive_);
}

Status TarOutput::Error(const std::string& what) {
  const char* message = archive_ ? archive_error_string(archive_) : nullptr;
  return Status(StatusCode::kIo, what + ": " + (message ? message : "libarchive error"));
}

Status TarOutput::Header(const std::string& name, unsigned type, unsigned perm, uint64_t size) {
  const base::TarNameScope names;  // names are bytes, whatever the locale (src/base/tar_names.h)
  archive_entry* entry = archive_entry_new();
  archive_entry_set_pathname(entry, name.c_str());
  archive_entry_set_filetype(entry, type);
  archive_entry_set_perm(entry, perm);
  archive_entry_set_uid(entry, 0);
  archive_entry_set_gid(entry, 0);
  archive_entry_set_mtime(entry, mtime_, 0);
  archive_entry_set_size(entry, static_cast<la_int64_t>(size));
  int rc = archive_write_header(archive_, entry);
  archive_entry_free(entry);
  if (rc != ARCHIVE_OK && !base::IsNameTranslationWarning(rc, archive_error_string(archive_))) return Error("writing archive entry " + name);
  return Status::Ok();
}

Status TarOutput::AddDirectory(const std::string& name) { return Header(name, AE_IFDIR, 0755, 0); }

Status TarOutput::AddFile(const std::string& name, std::string_view content) {
  return AddStream(name, content.size(), [content](const ContentWriter& write) { return write(content); });
}

Status TarOutput::AddStream(const std::string& name, uint64_t size, const ContentSource& source) {
  MB_RETURN_IF_ERROR(Header(name, AE_IFREG, 0644, size));
  uint64_t written = 0;
  MB_RETURN_IF_ERROR(source([&](std::string_view bytes) -> Status {
    if (written + bytes.size() > size) return DataLoss("archive entry " + name + " is larger than expected");
    while (!bytes.empty()) {
      la_ssize_t n = archive_write_data(archive_, bytes.data(), bytes.size());
      if (n <= 0) return Error("writing archive entry " + name);
      bytes.remove_prefix(static_cast<size_t>(n));
      written += static_cast<uint64_t>(n);
    }
    return Status::Ok();
  }));
  if (written != size) {
    return DataLoss("archive entry " + name + " is " + std::to_string(written) + " bytes, expected " +
                    std::to_string(size));
  }
  return Status::Ok();
}

Status TarOutput::Close() {
  if (closed_) return Status::Ok();
  closed_ = true;
  if (archive_write_close(archive_) != ARCHIVE_OK) return Error("finishing the output archive");
  return Status::Ok();
}

}  // namespace mybuild::image

#include "src/fileops/archive_probe.h"

#include <archive.h>
#include <archive_entry.h>
#include <unistd.h>

#include <cstring>
#include <memory>
#include "src/base/tar_names.h"

namespace mybuild::fileops {
namespace {

ArchiveKind KindFromMagic(const unsigned char* b, ssize_t n) {
  if (n >= 2 && b[0] == 0x1f && b[1] == 0x8b) return ArchiveKind::kGzipTar;
  if (n >= 3 && b[0] == 'B' && b[1] == 'Z' && b[2] == 'h') return ArchiveKind::kBzip2Tar;
  if (n >= 6 && std::memcmp(b, "\xfd" "7zXZ\0", 6) == 0) return ArchiveKind::kXzTar;
  if (n >= 4 && b[0] == 0x28 && b[1] == 0xb5 && b[2] == 0x2f && b[3] == 0xfd) return ArchiveKind::kZstdTar;
  return ArchiveKind::kTar;
}

}  // namespace

const char* ArchiveKindName(ArchiveKind kind) {
  switch (kind) {
    case ArchiveKind::kNone: return "none";
    case ArchiveKind::kTar: return "tar";
    case ArchiveKind::kGzipTar: return "tar+gzip";
    case ArchiveKind::kBzip2Tar: return "tar+bzip2";
    case ArchiveKind::kXzTar: return "tar+xz";
    case ArchiveKind::kZstdTar: return "tar+zstd";
  }
  return "?";
}

StatusOr<ArchiveKind> ProbeArchive(int fd) {
  unsigned char magic[8] = {0};
  ssize_t n = ::pread(fd, magic, sizeof magic, 0);
  if (n < 0) return ErrnoError("read archive header");
  if (n < 2) return ArchiveKind::kNone;
  ArchiveKind guess = KindFromMagic(magic, n);

  const base::TarNameScope names;  // names are bytes, whatever the locale (src/base/tar_names.h)
  std::unique_ptr<struct archive, decltype(&archive_read_free)> a(archive_read_new(), &archive_read_free);
  if (!a) return Internal("archive_read_new failed");
  // Only in-process decompressors: ARCHIVE_WARN would mean libarchive falls back to an external program.
  int (*filters[])(struct archive*) = {archive_read_support_filter_gzip, archive_read_support_filter_bzip2,
                                       archive_read_support_filter_xz, archive_read_support_filter_zstd};
  for (auto filter : filters) {
    if (filter(a.get()) != ARCHIVE_OK) return ArchiveKind::kNone;
  }
  archive_read_support_format_tar(a.get());
  if (::lseek(fd, 0, SEEK_SET) < 0) return ErrnoError("lseek archive");
  ArchiveKind result = ArchiveKind::kNone;
  if (archive_read_open_fd(a.get(), fd, 64 << 10) == ARCHIVE_OK) {
    struct archive_entry* entry = nullptr;
    int rc = archive_read_next_header(a.get(), &entry);
    if (rc == ARCHIVE_OK || rc == ARCHIVE_WARN) result = guess;
    archive_read_close(a.get());
  }
  if (::lseek(fd, 0, SEEK_SET) < 0) return ErrnoError("lseek archive");
  return result;
}

}  // namespace mybuild::fileops

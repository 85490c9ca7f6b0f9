// ADD's archive detection: is a local file a tar archive (plain, or gzip / bzip2 / xz / zstd compressed)?
// Decided by content, never by the file name, as Docker does. Decompression uses only the libraries
// linked into libarchive (never an external program); a compressed file that is not a tar inside
// (e.g. a lone .gz) is not an archive and is copied as a file.
#ifndef MYBUILD_FILEOPS_ARCHIVE_PROBE_H_
#define MYBUILD_FILEOPS_ARCHIVE_PROBE_H_

#include <string>

#include "src/base/status.h"

namespace mybuild::fileops {

enum class ArchiveKind { kNone, kTar, kGzipTar, kBzip2Tar, kXzTar, kZstdTar };

const char* ArchiveKindName(ArchiveKind kind);

// Reads the start of `fd` (from offset 0, with pread-like access through a dup'd description; the offset
// is restored to 0 afterwards).
StatusOr<ArchiveKind> ProbeArchive(int fd);

}  // namespace mybuild::fileops

#endif  // MYBUILD_FILEOPS_ARCHIVE_PROBE_H_

// Whole-file reads and atomic writes on the host filesystem (for paths the program owns or the user
// named; untrusted rootfs paths go through the snapshotter's confined resolution instead).
#ifndef MYBUILD_BASE_FILES_H_
#define MYBUILD_BASE_FILES_H_

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "src/base/status.h"

namespace mybuild {

// Reads a whole file; refuses files larger than max_bytes (kResourceExhausted).
StatusOr<std::string> ReadFile(const std::filesystem::path& path, uint64_t max_bytes = 64ull << 20);

// Reads an optional file: std::nullopt when nothing is at `path` (ENOENT), an error naming the file for
// anything else (too large, a directory, unreadable), so that a broken file is never taken for a missing one.
StatusOr<std::optional<std::string>> ReadFileIfPresent(const std::filesystem::path& path, uint64_t max_bytes);

// The same for `name` inside `dir`, resolved beneath it (openat2 RESOLVE_BENEATH): a symlink that leads
// out of `dir` is an error, not a read of the host file.
StatusOr<std::optional<std::string>> ReadFileBeneathIfPresent(const std::filesystem::path& dir,
                                                              const std::string& name, uint64_t max_bytes);

// Writes via a temp file in the same directory, fsync, rename over `path`, fsync the directory.
// Readers see the old content or the new one, never a mix.
Status WriteFileAtomically(const std::filesystem::path& path, std::string_view content, int mode = 0644);

// Writes all of `data` to `fd` (retrying short writes and EINTR); errors name `what` (the file).
Status WriteAll(int fd, std::string_view data, const std::string& what);

// fsyncs a directory so that a rename inside it is durable.
Status SyncDirectory(const std::filesystem::path& dir);

}  // namespace mybuild

#endif  // MYBUILD_BASE_FILES_H_

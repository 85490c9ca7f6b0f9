#include "src/base/files.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "src/base/unique_fd.h"

namespace mybuild {

namespace {

// Reads the whole of an open file; `path` names it in errors.
StatusOr<std::string> ReadOpenFile(const UniqueFd& fd, const std::filesystem::path& path, uint64_t max_bytes) {
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return ErrnoError("fstat " + path.string());
  if (S_ISDIR(st.st_mode)) return InvalidArgument(path.string() + " is a directory, expected a file");
  std::string out;
  if (S_ISREG(st.st_mode)) {
    if (static_cast<uint64_t>(st.st_size) > max_bytes) {
      return ResourceExhausted(path.string() + " is larger than " + std::to_string(max_bytes) + " bytes");
    }
    out.reserve(st.st_size);
  }
  char buffer[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("read " + path.string());
    }
    if (n == 0) break;
    if (out.size() + n > max_bytes) {
      return ResourceExhausted(path.string() + " is larger than " + std::to_string(max_bytes) + " bytes");
    }
    out.append(buffer, n);
  }
  return out;
}

StatusOr<std::optional<std::string>> PresentOrMissing(StatusOr<std::string> text) {
  if (text.ok()) return std::optional<std::string>(std::move(*text));
  if (text.status().code() == StatusCode::kNotFound) return std::optional<std::string>();
  return text.status();
}

}  // namespace

StatusOr<std::string> ReadFile(const std::filesystem::path& path, uint64_t max_bytes) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return ErrnoError("open " + path.string());
  return ReadOpenFile(fd, path, max_bytes);
}

StatusOr<std::optional<std::string>> ReadFileIfPresent(const std::filesystem::path& path, uint64_t max_bytes) {
  return PresentOrMissing(ReadFile(path, max_bytes));
}

StatusOr<std::optional<std::string>> ReadFileBeneathIfPresent(const std::filesystem::path& dir,
                                                              const std::string& name, uint64_t max_bytes) {
  const std::filesystem::path path = dir / name;
  UniqueFd dir_fd(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!dir_fd) return ErrnoError("open " + dir.string());
  open_how how{};
  how.flags = O_RDONLY | O_CLOEXEC;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  UniqueFd fd(static_cast<int>(::syscall(SYS_openat2, dir_fd.get(), name.c_str(), &how, sizeof how)));
  if (!fd) {
    if (errno == EXDEV) {
      return InvalidArgument(path.string() + " leads out of " + dir.string() +
                             " (a symlink?), expected a file inside it");
    }
    if (errno == ELOOP) return InvalidArgument(path.string() + ": too many levels of symbolic links");
    return PresentOrMissing(ErrnoError("open " + path.string()));
  }
  return PresentOrMissing(ReadOpenFile(fd, path, max_bytes));
}

Status WriteAll(int fd, std::string_view data, const std::string& what) {
  size_t written = 0;
  while (written < data.size()) {
    ssize_t n = ::write(fd, data.data() + written, data.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("write " + what);
    }
    written += static_cast<size_t>(n);
  }
  return Status::Ok();
}

Status SyncDirectory(const std::filesystem::path& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) return ErrnoError("open " + dir.string());
  if (::fsync(fd.get()) != 0) return ErrnoError("fsync " + dir.string());
  return Status::Ok();
}

Status WriteFileAtomically(const std::filesystem::path& path, std::string_view content, int mode) {
  std::filesystem::path dir = path.parent_path().empty() ? "." : path.parent_path();
  std::string temp = (dir / ("." + path.filename().string() + ".tmp-XXXXXX")).string();
  UniqueFd fd(::mkstemp(temp.data()));
  if (!fd) return ErrnoError("mkstemp " + temp);
  auto fail = [&](const std::string& what) {
    Status status = ErrnoError(what + " " + temp);
    ::unlink(temp.c_str());
    return status;
  };
  if (::fchmod(fd.get(), mode) != 0) return fail("fchmod");
  if (Status written = WriteAll(fd.get(), content, temp); !written.ok()) {
    ::unlink(temp.c_str());
    return written;
  }
  if (::fsync(fd.get()) != 0) return fail("fsync");
  fd.Reset();
  if (::rename(temp.c_str(), path.c_str()) != 0) return fail("rename to " + path.string() + " from");
  return SyncDirectory(dir);
}

}  // namespace mybuild

#include "src/base/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "src/base/unique_fd.h"

namespace mybuild {

StatusOr<std::string> ReadFile(const std::filesystem::path& path, uint64_t max_bytes) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return ErrnoError("open " + path.string());
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

#include "cache/blob_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <system_error>
#include <utility>

#include "src/base/dir_names.h"
#include "src/base/files.h"

namespace mybuild::cache {
namespace {

constexpr size_t kWriteBuffer = 1 << 18;

Status WriteFully(int fd, const char* data, size_t size, const std::filesystem::path& path) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("write " + path.string());
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
  return Status::Ok();
}

Status MakeDirectory(const std::filesystem::path& path, mode_t mode) {
  if (::mkdir(path.c_str(), mode) != 0 && errno != EEXIST) return ErrnoError("mkdir " + path.string());
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return ErrnoError("lstat " + path.string());
  if (!S_ISDIR(st.st_mode)) return FailedPrecondition(path.string() + " exists but is not a directory");
  return Status::Ok();
}

// Calls `visit(name, stat)` for every regular file directly in `dir` (not following symlinks).
template <typename Visit>
Status ForEachRegularFile(const std::filesystem::path& dir, Visit visit) {
  UniqueFd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW));
  if (!dir_fd) return ErrnoError("open " + dir.string());
  MB_ASSIGN_OR_RETURN(std::vector<std::string> names, DirectoryNames(dir_fd.get(), dir.string()));
  for (const std::string& name : names) {
    struct stat st {};
    if (::fstatat(dir_fd.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode)) continue;
    visit(name, st);
  }
  return Status::Ok();
}

}  // namespace

BlobWriter::~BlobWriter() { Abort(); }

BlobWriter::BlobWriter(BlobWriter&& other) noexcept
    : root_(std::move(other.root_)),
      ingest_path_(std::move(other.ingest_path_)),
      fd_(std::move(other.fd_)),
      hash_(std::move(other.hash_)),
      buffer_(std::move(other.buffer_)),
      size_(other.size_),
      spent_(std::exchange(other.spent_, true)) {
  other.ingest_path_.clear();
}

BlobWriter& BlobWriter::operator=(BlobWriter&& other) noexcept {
  if (this != &other) {
    Abort();
    root_ = std::move(other.root_);
    ingest_path_ = std::move(other.ingest_path_);
    other.ingest_path_.clear();
    fd_ = std::move(other.fd_);
    hash_ = std::move(other.hash_);
    buffer_ = std::move(other.buffer_);
    size_ = other.size_;
    spent_ = std::exchange(other.spent_, true);
  }
  return *this;
}

void BlobWriter::Abort() {
  fd_.Reset();
  if (!ingest_path_.empty()) ::unlink(ingest_path_.c_str());
  ingest_path_.clear();
  spent_ = true;
}

Status BlobWriter::Flush() {
  if (buffer_.empty()) return Status::Ok();
  Status status = WriteFully(fd_.get(), buffer_.data(), buffer_.size(), ingest_path_);
  buffer_.clear();
  return status;
}

Status BlobWriter::Write(std::string_view bytes) {
  if (spent_) return FailedPrecondition("blob writer used after commit or failure");
  hash_.Update(bytes);
  size_ += bytes.size();
  if (buffer_.size() + bytes.size() > kWriteBuffer) {
    Status status = Flush();
    if (status.ok() && bytes.size() >= kWriteBuffer) {
      status = WriteFully(fd_.get(), bytes.data(), bytes.size(), ingest_path_);
      bytes = {};
    }
    if (!status.ok()) {
      Abort();
      return status;
    }
  }
  buffer_.append(bytes);
  return Status::Ok();
}

StatusOr<BlobInfo> BlobWriter::Commit(const std::optional<Digest>& expected,
                                      std::optional<uint64_t> expected_size) {
  if (spent_) return FailedPrecondition("blob writer committed twice or after a failure");
  Status status = Flush();
  if (status.ok() && ::fsync(fd_.get()) != 0) status = ErrnoError("fsync " + ingest_path_.string());
  if (!status.ok()) {
    Abort();
    return status;
  }
  BlobInfo info{hash_.Finish(), size_};
  if (expected_size && *expected_size != info.size) {
    Abort();
    return DataLoss("blob size mismatch: expected " + std::to_string(*expected_size) + " bytes, got " +
                    std::to_string(info.size));
  }
  if (expected && *expected != info.digest) {
    Abort();
    return DataLoss("blob digest mismatch: expected " + expected->ToString() + ", got " +
                    info.digest.ToString());
  }
  if (::fchmod(fd_.get(), 0444) != 0) {
    status = ErrnoError("fchmod " + ingest_path_.string());
    Abort();
    return status;
  }
  fd_.Reset();
  std::filesystem::path dir = root_ / "blobs" / "sha256";
  std::filesystem::path target = dir / info.digest.hex();
  // Renaming over an existing blob is harmless (same bytes) and keeps concurrent writers lock-free.
  if (::rename(ingest_path_.c_str(), target.c_str()) != 0) {
    status = ErrnoError("rename " + ingest_path_.string() + " to " + target.string());
    Abort();
    return status;
  }
  ingest_path_.clear();
  spent_ = true;
  MB_RETURN_IF_ERROR(SyncDirectory(dir));
  return info;
}

StatusOr<BlobStore> BlobStore::Open(const std::filesystem::path& root) {
  MB_RETURN_IF_ERROR(MakeDirectory(root, 0700));
  MB_RETURN_IF_ERROR(MakeDirectory(root / "blobs", 0755));
  MB_RETURN_IF_ERROR(MakeDirectory(root / "blobs" / "sha256", 0755));
  MB_RETURN_IF_ERROR(MakeDirectory(root / "ingest", 0700));
  return BlobStore(root);
}

StatusOr<BlobStore> BlobStore::OpenExisting(const std::filesystem::path& root) {
  std::error_code error;
  if (!std::filesystem::is_directory(root / "blobs" / "sha256", error)) {
    return NotFound((root / "blobs" / "sha256").string() + " is not a directory");
  }
  return BlobStore(root);
}

std::filesystem::path BlobStore::BlobPath(const Digest& digest) const {
  return root_ / "blobs" / "sha256" / digest.hex();
}

StatusOr<BlobWriter> BlobStore::BeginWrite() const {
  std::string pattern = (root_ / "ingest" / "blob-XXXXXX").string();
  int fd = ::mkostemp(pattern.data(), O_CLOEXEC);
  if (fd < 0) return ErrnoError("mkostemp " + pattern);
  BlobWriter writer;
  writer.root_ = root_;
  writer.ingest_path_ = pattern;
  writer.fd_.Reset(fd);
  writer.buffer_.reserve(kWriteBuffer);
  writer.spent_ = false;
  return writer;
}

StatusOr<BlobInfo> BlobStore::Put(std::string_view bytes, const std::optional<Digest>& expected) const {
  Digest digest = Digest::Of(bytes);
  if (expected && *expected != digest) {
    return DataLoss("blob digest mismatch: expected " + expected->ToString() + ", got " + digest.ToString());
  }
  if (Has(digest)) return BlobInfo{digest, bytes.size()};
  MB_ASSIGN_OR_RETURN(BlobWriter writer, BeginWrite());
  MB_RETURN_IF_ERROR(writer.Write(bytes));
  return writer.Commit(digest);
}

Status BlobStore::CopyFrom(const BlobStore& source, const Digest& digest) const {
  if (Has(digest)) return Status::Ok();
  MB_ASSIGN_OR_RETURN(uint64_t size, source.Size(digest));
  MB_ASSIGN_OR_RETURN(UniqueFd in, source.OpenRead(digest));
  MB_ASSIGN_OR_RETURN(BlobWriter writer, BeginWrite());
  std::string buffer(kWriteBuffer, '\0');
  for (;;) {
    ssize_t n = ::read(in.get(), buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoError("read " + source.BlobPath(digest).string());
    if (n == 0) break;
    MB_RETURN_IF_ERROR(writer.Write(std::string_view(buffer.data(), static_cast<size_t>(n))));
  }
  return writer.Commit(digest, size).status();
}

bool BlobStore::Has(const Digest& digest) const {
  if (digest.empty()) return false;
  struct stat st {};
  return ::lstat(BlobPath(digest).c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

StatusOr<uint64_t> BlobStore::Size(const Digest& digest) const {
  if (digest.empty()) return InvalidArgument("empty digest");
  struct stat st {};
  std::filesystem::path path = BlobPath(digest);
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return NotFound("blob " + digest.ToString() + " not found in " + root_.string());
    return ErrnoError("lstat " + path.string());
  }
  if (!S_ISREG(st.st_mode)) return DataLoss(path.string() + " is not a regular file");
  return static_cast<uint64_t>(st.st_size);
}

StatusOr<UniqueFd> BlobStore::OpenRead(const Digest& digest) const {
  if (digest.empty()) return InvalidArgument("empty digest");
  std::filesystem::path path = BlobPath(digest);
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd) {
    if (errno == ENOENT) return NotFound("blob " + digest.ToString() + " not found in " + root_.string());
    return ErrnoError("open " + path.string());
  }
  return fd;
}

StatusOr<std::string> BlobStore::ReadAll(const Digest& digest, uint64_t max_bytes) const {
  MB_ASSIGN_OR_RETURN(uint64_t size, Size(digest));
  if (size > max_bytes) {
    return ResourceExhausted("blob " + digest.ToString() + " is " + std::to_string(size) +
                             " bytes, more than the limit of " + std::to_string(max_bytes));
  }
  MB_ASSIGN_OR_RETURN(std::string bytes, ReadFile(BlobPath(digest), max_bytes));
  if (Digest::Of(bytes) != digest) {
    return DataLoss("blob " + digest.ToString() + " in " + root_.string() + " does not match its digest");
  }
  return bytes;
}

Status BlobStore::Delete(const Digest& digest) const {
  if (digest.empty()) return InvalidArgument("empty digest");
  std::filesystem::path path = BlobPath(digest);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return ErrnoError("unlink " + path.string());
  return Status::Ok();
}

StatusOr<std::vector<BlobInfo>> BlobStore::List() const {
  std::vector<BlobInfo> out;
  MB_RETURN_IF_ERROR(ForEachRegularFile(root_ / "blobs" / "sha256", [&](const std::string& name, const struct stat& st) {
    if (name.size() == 64 && name.find_first_not_of("0123456789abcdef") == std::string::npos) {
      out.push_back(BlobInfo{Digest::FromHex(name), static_cast<uint64_t>(st.st_size)});
    }
  }));
  std::sort(out.begin(), out.end(), [](const BlobInfo& a, const BlobInfo& b) { return a.digest < b.digest; });
  return out;
}

StatusOr<std::vector<BlobStore::IngestFile>> BlobStore::ListIngest(int64_t min_age_seconds) const {
  const std::filesystem::path dir = root_ / "ingest";
  const int64_t now = static_cast<int64_t>(::time(nullptr));
  std::vector<IngestFile> out;
  MB_RETURN_IF_ERROR(ForEachRegularFile(dir, [&](const std::string& name, const struct stat& st) {
    if (now - static_cast<int64_t>(st.st_mtime) >= min_age_seconds) {
      out.push_back(IngestFile{dir / name, static_cast<uint64_t>(st.st_size)});
    }
  }));
  std::sort(out.begin(), out.end(), [](const IngestFile& a, const IngestFile& b) { return a.path < b.path; });
  return out;
}

StatusOr<size_t> BlobStore::RemoveStaleIngest(int64_t min_age_seconds) const {
  MB_ASSIGN_OR_RETURN(std::vector<IngestFile> stale, ListIngest(min_age_seconds));
  size_t removed = 0;
  for (const IngestFile& file : stale) {
    if (::unlink(file.path.c_str()) == 0) {
      ++removed;
    } else if (errno != ENOENT) {
      return ErrnoError("unlink " + file.path.string());
    }
  }
  return removed;
}

}  // namespace mybuild::cache

#include "src/base/sparse_map.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <string>

namespace mybuild {
namespace {

constexpr size_t kZeroRun = 1 << 20;
constexpr size_t kReadChunk = 1 << 18;

const char* Zeros() {
  static const char* zeros = new char[kZeroRun]();  // never freed: one MiB for the process
  return zeros;
}

bool AllZero(const char* p, size_t n) {
  while (n > 0) {
    const size_t step = std::min(n, kZeroRun);
    if (std::memcmp(p, Zeros(), step) != 0) return false;
    p += step;
    n -= step;
  }
  return true;
}

Status PreadFully(int fd, uint64_t offset, uint64_t length, char* out) {
  while (length > 0) {
    ssize_t n = ::pread(fd, out, length, static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("read layer file content");
    }
    if (n == 0) return DataLoss("the file became shorter while the layer was written");
    out += n;
    offset += static_cast<uint64_t>(n);
    length -= static_cast<uint64_t>(n);
  }
  return Status::Ok();
}

Status PwriteFully(int fd, const char* p, size_t n, off_t at) {
  while (n > 0) {
    ssize_t w = ::pwrite(fd, p, n, at);
    if (w < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("write copy");
    }
    p += w;
    n -= static_cast<size_t>(w);
    at += w;
  }
  return Status::Ok();
}

Status WriteZeros(uint64_t length, const std::function<Status(std::string_view)>& write) {
  while (length > 0) {
    const size_t step = static_cast<size_t>(std::min<uint64_t>(length, kZeroRun));
    MB_RETURN_IF_ERROR(write(std::string_view(Zeros(), step)));
    length -= step;
  }
  return Status::Ok();
}

}  // namespace

StatusOr<std::vector<DataExtent>> DiskExtents(int fd, uint64_t size) {
  std::vector<DataExtent> extents;
  uint64_t pos = 0;
  while (pos < size) {
    const off_t data = ::lseek(fd, static_cast<off_t>(pos), SEEK_DATA);
    if (data < 0) {
      if (errno == ENXIO) break;  // only a hole after pos
      if (errno == EINVAL || errno == EOPNOTSUPP) return std::vector<DataExtent>{{0, size}};
      return ErrnoError("lseek SEEK_DATA");
    }
    if (static_cast<uint64_t>(data) >= size) break;
    off_t hole = ::lseek(fd, data, SEEK_HOLE);
    if (hole < 0) return ErrnoError("lseek SEEK_HOLE");
    const uint64_t end = std::min<uint64_t>(static_cast<uint64_t>(hole), size);
    if (end <= static_cast<uint64_t>(data)) return Internal("lseek SEEK_HOLE went backwards");
    extents.push_back({static_cast<uint64_t>(data), end - static_cast<uint64_t>(data)});
    pos = end;
  }
  return extents;
}

StatusOr<std::vector<DataExtent>> ContentMap(uint64_t size, const std::vector<DataExtent>& disk,
                                             const BlockReader& read) {
  std::vector<DataExtent> map;
  std::unique_ptr<char[]> block(new char[kSparseBlock]);
  uint64_t next_block = 0;  // blocks before it are decided
  for (const DataExtent& extent : disk) {
    if (extent.length == 0) continue;
    const uint64_t end = std::min(extent.offset + extent.length, size);
    for (uint64_t b = std::max(next_block, extent.offset / kSparseBlock); b * kSparseBlock < end; ++b) {
      const uint64_t offset = b * kSparseBlock;
      const uint64_t length = std::min(kSparseBlock, size - offset);
      MB_RETURN_IF_ERROR(read(offset, length, block.get()));
      next_block = b + 1;
      if (AllZero(block.get(), length)) continue;
      if (!map.empty() && map.back().offset + map.back().length == offset) {
        map.back().length += length;
      } else {
        map.push_back({offset, length});
      }
    }
  }
  return map;
}

StatusOr<std::optional<std::vector<DataExtent>>> SparseMapOf(int fd, uint64_t size) {
  using Result = std::optional<std::vector<DataExtent>>;
  if (size == 0) return Result();
  MB_ASSIGN_OR_RETURN(std::vector<DataExtent> disk, DiskExtents(fd, size));
  if (disk.size() == 1 && disk[0] == DataExtent{0, size}) return Result();  // dense on disk
  MB_ASSIGN_OR_RETURN(std::vector<DataExtent> map,
                      ContentMap(size, disk, [fd](uint64_t offset, uint64_t length, char* out) {
                        return PreadFully(fd, offset, length, out);
                      }));
  if (map.size() == 1 && map[0] == DataExtent{0, size}) return Result();  // no zero block
  return Result(std::move(map));
}

Status StreamData(int fd, const std::vector<DataExtent>& map,
                  const std::function<Status(uint64_t offset, std::string_view bytes)>& write) {
  std::unique_ptr<char[]> buffer(new char[kReadChunk]);
  uint64_t previous_end = 0;
  for (const DataExtent& extent : map) {
    if (extent.offset < previous_end) return Internal("sparse map out of order");
    const uint64_t end = extent.offset + extent.length;
    for (uint64_t pos = extent.offset; pos < end;) {
      const uint64_t step = std::min<uint64_t>(kReadChunk, end - pos);
      MB_RETURN_IF_ERROR(PreadFully(fd, pos, step, buffer.get()));
      MB_RETURN_IF_ERROR(write(pos, std::string_view(buffer.get(), static_cast<size_t>(step))));
      pos += step;
    }
    previous_end = end;
  }
  return Status::Ok();
}

Status StreamWithHoles(int fd, uint64_t size, const std::vector<DataExtent>& map,
                       const std::function<Status(std::string_view)>& write) {
  if (!map.empty() && map.back().offset + map.back().length > size) return Internal("sparse map past the end");
  uint64_t pos = 0;
  MB_RETURN_IF_ERROR(StreamData(fd, map, [&](uint64_t offset, std::string_view bytes) -> Status {
    MB_RETURN_IF_ERROR(WriteZeros(offset - pos, write));
    pos = offset + bytes.size();
    return write(bytes);
  }));
  return WriteZeros(size - pos, write);
}

Status CopyWithHoles(int in, int out) {
  struct stat st {};
  if (::fstat(in, &st) != 0) return ErrnoError("fstat copy source");
  const off_t start = ::lseek(in, 0, SEEK_CUR);
  if (start < 0) return ErrnoError("lseek copy source");
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  const uint64_t first = std::min<uint64_t>(static_cast<uint64_t>(start), size);
  MB_ASSIGN_OR_RETURN(std::vector<DataExtent> extents, DiskExtents(in, size));
  std::unique_ptr<char[]> buffer;
  for (const DataExtent& extent : extents) {
    const uint64_t end = extent.offset + extent.length;
    if (end <= first) continue;
    loff_t from = static_cast<loff_t>(std::max(extent.offset, first));
    loff_t to = from - static_cast<loff_t>(first);
    while (static_cast<uint64_t>(from) < end) {
      const size_t step = static_cast<size_t>(std::min<uint64_t>(end - static_cast<uint64_t>(from), 1 << 30));
      ssize_t n = buffer ? -1 : ::copy_file_range(in, &from, out, &to, step, 0);
      if (n < 0 && !buffer && (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP)) {
        buffer.reset(new char[kReadChunk]);  // no in-kernel copy between these files: copy through memory
      }
      if (n < 0 && buffer) {
        const size_t chunk = std::min(step, kReadChunk);
        n = ::pread(in, buffer.get(), chunk, from);
        if (n > 0) {
          MB_RETURN_IF_ERROR(PwriteFully(out, buffer.get(), static_cast<size_t>(n), to));
          from += n;
          to += n;
        }
      }
      if (n < 0) {
        if (errno == EINTR) continue;
        return ErrnoError("copy file data");
      }
      if (n == 0) break;  // the source became shorter: its new size is taken below
    }
  }
  if (::fstat(in, &st) != 0) return ErrnoError("fstat copy source");
  const uint64_t final_size = static_cast<uint64_t>(st.st_size) > first ? static_cast<uint64_t>(st.st_size) - first : 0;
  if (::ftruncate(out, static_cast<off_t>(final_size)) != 0) return ErrnoError("ftruncate copy");
  if (::lseek(in, 0, SEEK_END) < 0) return ErrnoError("lseek copy source");
  return Status::Ok();
}

}  // namespace mybuild

#include "snapshotter/layer_entry.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <string_view>

#include "fmt/format.h"

namespace mybuild::snapshotter {

const char* EntryTypeName(EntryType type) {
  switch (type) {
    case EntryType::kRegular: return "file";
    case EntryType::kDirectory: return "dir";
    case EntryType::kSymlink: return "symlink";
    case EntryType::kHardlink: return "hardlink";
    case EntryType::kCharDevice: return "chardev";
    case EntryType::kBlockDevice: return "blockdev";
    case EntryType::kFifo: return "fifo";
    case EntryType::kWhiteout: return "whiteout";
  }
  return "unknown";
}

StatusOr<UniqueFd> OpenEntryContent(const LayerEntry& entry) {
  if (entry.type != EntryType::kRegular) {
    return FailedPrecondition(fmt::format("entry \"{}\" is a {}, not a regular file", entry.path,
                                          EntryTypeName(entry.type)));
  }
  UniqueFd fd(::open(entry.source.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd) return ErrnoError(fmt::format("open {}", entry.source.string()));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return ErrnoError(fmt::format("fstat {}", entry.source.string()));
  if (!S_ISREG(st.st_mode) || static_cast<uint64_t>(st.st_size) != entry.size) {
    return FailedPrecondition(fmt::format(
        "content of entry \"{}\" changed since the diff (expected a regular file of {} bytes at {})",
        entry.path, entry.size, entry.source.string()));
  }
  return fd;
}

bool EntryPathLess(const std::string& a, const std::string& b) {
  constexpr std::string_view kOpaque = ".wh..wh..opq";
  size_t i = 0;
  while (true) {
    size_t ea = a.find('/', i);
    size_t eb = b.find('/', i);
    std::string_view ca = std::string_view(a).substr(i, ea == std::string::npos ? std::string::npos : ea - i);
    std::string_view cb = std::string_view(b).substr(i, eb == std::string::npos ? std::string::npos : eb - i);
    if (ca != cb) {
      if (ca == kOpaque) return true;
      if (cb == kOpaque) return false;
      return ca < cb;
    }
    // Same component: the one that ends here is the parent and comes first.
    if (ea == std::string::npos) return eb != std::string::npos;
    if (eb == std::string::npos) return false;
    i = ea + 1;
  }
}

std::string DescribeEntry(const LayerEntry& e) {
  std::string out = fmt::format("{} {} {:04o} {}:{}", EntryTypeName(e.type), e.path, e.mode, e.uid, e.gid);
  if (e.type == EntryType::kRegular) out += fmt::format(" size={}", e.size);
  if (!e.linkname.empty()) out += " -> " + e.linkname;
  if (e.type == EntryType::kCharDevice || e.type == EntryType::kBlockDevice) {
    out += fmt::format(" dev={},{}", e.devmajor, e.devminor);
  }
  for (const auto& [k, v] : e.xattrs) out += fmt::format(" xattr:{}={}", k, v.size());
  return out;
}

}  // namespace mybuild::snapshotter

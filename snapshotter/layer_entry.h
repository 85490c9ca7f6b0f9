// One entry of a layer: what a diff produces and what a layer writer turns into a tar header (+ content).
//
// Contract (the image module's layer writer consumes a std::vector<LayerEntry> as produced by
// snapshotter::Diff*):
//   - `path` is relative, '/'-separated, with no leading "/" or "./", no "." or ".." components, no
//     trailing "/" (also for directories), and never empty. A whiteout is an entry of type kWhiteout whose
//     path is the OCI name itself: "dir/.wh.name" deletes dir/name, "dir/.wh..wh..opq" makes dir opaque.
//   - Order (keep it when writing the tar): depth-first, a directory before its children, the children of
//     a directory in byte-wise order of their names, except that an opaque marker "dir/.wh..wh..opq"
//     comes first among the children of dir. (This is Go's filepath.Walk order, which BuildKit and
//     containerd use, so "a", "a/b", "a.txt".) EntryPathLess() implements it.
//   - `mode` holds permission and special bits only (07777), never the S_IF* type bits.
//   - `size` is the content size for kRegular (0 for kHardlink and every other type).
//   - Hardlinks: the first path (in entry order) of an inode set is kRegular with content; every later
//     path of the same inode is kHardlink with `linkname` = the first path (same form as `path`).
//   - `linkname` of a kSymlink is its target verbatim (may be absolute or contain "..").
//   - `xattrs` keys are full names ("user.foo", "security.capability"); values are raw bytes.
//     trusted.overlay.* never appears.
//   - Content of a kRegular entry: read it from `source`, a host path that the producer controls (inside
//     a committed snapshot or an overlay upper dir). Use OpenEntryContent() which opens it with O_NOFOLLOW
//     and checks that it is still a regular file of the recorded size.
#ifndef MYBUILD_SNAPSHOTTER_LAYER_ENTRY_H_
#define MYBUILD_SNAPSHOTTER_LAYER_ENTRY_H_

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "src/base/status.h"
#include "src/base/unique_fd.h"

namespace mybuild::snapshotter {

enum class EntryType {
  kRegular,
  kDirectory,
  kSymlink,
  kHardlink,  // `linkname` names an earlier entry of the same layer
  kCharDevice,
  kBlockDevice,
  kFifo,
  kWhiteout,  // `path` is the ".wh." name (see above); all other fields are zero
};

const char* EntryTypeName(EntryType type);

struct Timestamp {
  int64_t seconds = 0;
  uint32_t nanoseconds = 0;  // < 1e9
  bool operator==(const Timestamp&) const = default;
};

struct LayerEntry {
  std::string path;
  EntryType type = EntryType::kRegular;
  uint32_t mode = 0;  // permission + setuid/setgid/sticky bits
  uint32_t uid = 0;
  uint32_t gid = 0;
  uint64_t size = 0;
  Timestamp mtime;
  std::string linkname;  // symlink target, or the hardlink's first path
  uint32_t devmajor = 0;
  uint32_t devminor = 0;
  std::map<std::string, std::string> xattrs;
  std::filesystem::path source;  // kRegular only: host path of the content

  bool operator==(const LayerEntry&) const = default;
};

// Opens the content of a kRegular entry for reading (O_RDONLY|O_NOFOLLOW|O_CLOEXEC) and checks that it is
// still a regular file with `entry.size` bytes; kFailedPrecondition if it changed since the diff.
StatusOr<UniqueFd> OpenEntryContent(const LayerEntry& entry);

// True when a's path comes before b's path in the order above (for sorting entry lists).
bool EntryPathLess(const std::string& a, const std::string& b);

// A one-line human-readable description, e.g. "file etc/passwd 0644 0:0 size=123" (for tests and logs).
std::string DescribeEntry(const LayerEntry& entry);

}  // namespace mybuild::snapshotter

#endif  // MYBUILD_SNAPSHOTTER_LAYER_ENTRY_H_

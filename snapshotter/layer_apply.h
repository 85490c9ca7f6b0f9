// Applying an OCI layer tar (or, for `ADD local.tar`, any tar) to a root filesystem, confined to it.
//
// Input: a tar stream, plain or gzip/bzip2/xz/zstd compressed (detected from the bytes; decompression uses
// the libraries linked into libarchive, never an external program). Formats: ustar, pax, GNU tar.
//
// Semantics (OCI image-spec layer.md, containerd's apply):
//   - Entry names are relative to the root; a leading "/" or "./" is dropped. A name with a ".." component,
//     a NUL/CR/LF byte, a component over max_name_bytes, over max_path_bytes in total or deeper than
//     max_depth is refused, as is a link target with the same faults (hardlinks) — the error names the entry.
//   - Parent paths are resolved afresh for every entry, inside the root (symlinks included: lib -> usr/lib
//     from a lower layer and var/run -> /run work). Missing parents are created 0755 root:root.
//   - An entry replaces whatever is at its path (a directory tree included) except that a directory entry
//     over an existing directory only updates its metadata. The final component is never followed.
//   - Whiteouts (process_whiteouts): "d/.wh.x" removes d/x from the lower layers; "d/.wh..wh..opq" removes
//     every lower child of d. Both spare what this same layer created, whatever the entry order.
//     Other ".wh..wh.*" names (AUFS metadata) are ignored; ".wh.", ".wh..", ".wh..." are refused.
//   - Owners are the tar's numeric uid/gid (names ignored), in [0, 2^32-2]; mode bits incl. setuid/setgid/
//     sticky are kept (chmod after chown); mtimes are set (directories last, after their content).
//   - Hardlinks must name an entry already present in the root (this layer or a lower one), not a directory.
//   - Devices: per DevicePolicy; major/minor must fit in 32 bits. FIFOs are always created.
//   - Xattrs: trusted.overlay.* is refused (it would forge overlay whiteouts/redirects); user.* and
//     system.posix_acl_* are kept; security.capability is kept when allowed; others are skipped.
//   - Sparse entries (GNU tar --sparse: old GNU, PAX 0.x and 1.0 maps) are written as holes: only their
//     data extents are written, at their offsets, then the file is cut to its apparent size.
//   - Bounds: entry count, total uncompressed stream bytes (headers + data, which also bounds
//     compression bombs and huge PAX headers), every file's apparent size (max_total_bytes, sparse or
//     not), the extents of a sparse map, per-entry xattr sizes.
// A failure leaves the root partially applied: apply into a fresh snapshot and discard it on error.
#ifndef MYBUILD_SNAPSHOTTER_LAYER_APPLY_H_
#define MYBUILD_SNAPSHOTTER_LAYER_APPLY_H_

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string_view>

#include "snapshotter/rootfs.h"
#include "src/base/status.h"

namespace mybuild::snapshotter {

enum class DevicePolicy {
  kSkip,    // device entries are ignored (the default: RUN gets a fresh /dev anyway)
  kCreate,  // mknod them
  kRefuse,  // a device entry is an error
};

struct ApplyOptions {
  bool process_whiteouts = true;  // false for ADD: ".wh.*" entries are ordinary files
  DevicePolicy devices = DevicePolicy::kSkip;
  bool allow_security_capability = true;
  std::optional<Ownership> chown;  // overrides every entry's owner (ADD --chown)
  uint64_t max_entries = 4'000'000;
  uint64_t max_total_bytes = 64ull << 30;
  size_t max_path_bytes = 4096;
  size_t max_name_bytes = 255;
  size_t max_depth = 256;
  size_t max_xattr_value_bytes = 64 << 10;
  size_t max_xattrs_bytes_per_entry = 1 << 20;
  uint64_t max_sparse_extents = 1 << 20;  // per sparse entry (GNU/PAX sparse maps)
};

struct ApplyStats {
  uint64_t entries = 0;
  uint64_t stream_bytes = 0;  // uncompressed tar bytes read
};

// Applies the tar read from `fd` (read from its current offset to EOF) to `root`.
StatusOr<ApplyStats> ApplyLayer(const RootFs& root, int fd, const ApplyOptions& options = {});
StatusOr<ApplyStats> ApplyLayerFile(const RootFs& root, const std::filesystem::path& tar,
                                    const ApplyOptions& options = {});

// `ADD local.tar DEST`: creates DEST inside `root` (owned by options.chown when given, else root) and
// extracts the archive below it, confined to DEST, without whiteout processing.
StatusOr<ApplyStats> ExtractArchive(const RootFs& root, std::string_view dest_dir, int fd,
                                    ApplyOptions options = {});

}  // namespace mybuild::snapshotter

#endif  // MYBUILD_SNAPSHOTTER_LAYER_APPLY_H_

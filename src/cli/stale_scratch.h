// Cleans up after builds that were killed (SIGKILL, power loss) before they could clean up themselves.
//
// Every build works in ROOT/tmp/build-<pid> (its scratch directory: mount points of snapshots, RUN
// sandboxes, temporary files). A build that exits normally unmounts and removes it. For one whose
// process is gone, RemoveStaleScratch unmounts what is still mounted below the directory (deepest
// first, detached) and then removes it. A directory of a live process, or one that still has mounts
// that could not be removed, is left alone, so a concurrent build never loses its files. Snapshots the
// killed build had prepared stay in the snapshotter's metadata until garbage collection.
#ifndef MYBUILD_CLI_STALE_SCRATCH_H_
#define MYBUILD_CLI_STALE_SCRATCH_H_

#include <filesystem>
#include <string>
#include <vector>

namespace mybuild::cli {

// The mount points listed in a /proc/self/mountinfo text, with its octal escapes (\040 …) decoded.
std::vector<std::string> MountPoints(const std::string& mountinfo);

// Removes ROOT/tmp/build-<pid> directories of processes that no longer exist; best effort (a failure
// is logged, never fatal). Returns how many directories were removed, and their paths in `removed` when
// given.
int RemoveStaleScratch(const std::filesystem::path& tmp_dir, std::vector<std::filesystem::path>* removed = nullptr);

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_STALE_SCRATCH_H_

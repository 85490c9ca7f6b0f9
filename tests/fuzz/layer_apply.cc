// Fuzz target "layer_apply": any bytes as a layer tar (plain or compressed), applied to an empty root.
//
// The sandbox (made once per process): TMP/mybuild-fuzz-layer-XXXXXX/ holding "outside/marker" (a file
// with a unique text) and, for each input, a fresh "root/". SECURITY.md's oracle is checked after every
// input, whether the apply succeeded or not: nothing beside the root changed (names, types, modes, owners,
// link counts and contents), and no regular file inside the root holds the marker text (which a hardlink
// or a copy through an escaping symlink would give). An error must have a message.
//
// The input's size modulo 4 picks the mode, so that one corpus covers all of them:
//   0: ApplyLayer, defaults (whiteouts processed, devices skipped), openat2 resolution
//   1: ApplyLayer, devices created, the portable fallback walk instead of openat2
//   2: ExtractArchive into "dest/sub" (ADD local.tar): also nothing in the root outside "dest/sub"
//   3: ApplyLayer with --chown 1000:1000 semantics, devices refused, fallback walk
// Limits are lowered (entries, bytes) so that a compression bomb ends quickly with an error.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "snapshotter/layer_apply.h"
#include "snapshotter/rootfs.h"
#include "src/base/temp_dir.h"
#include "src/base/unique_fd.h"
#include "tests/fuzz/fuzz_check.h"

namespace mybuild::fuzz {
namespace {

namespace fs = std::filesystem;
using snapshotter::ApplyOptions;
using snapshotter::DevicePolicy;
using snapshotter::RootFs;

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class LayerSandbox {
 public:
  LayerSandbox() {
    StatusOr<TempDir> dir = TempDir::Create({}, "mybuild-fuzz-layer-");
    FUZZ_CHECK(dir.ok(), dir.status().ToString());
    base_ = std::move(dir).value();
    fs::create_directories(outside());
    marker_ = "MYBUILD-FUZZ-MARKER-" + base_.path().filename().string();
    std::ofstream(outside() / "marker", std::ios::binary) << marker_;
    ::chmod((outside() / "marker").c_str(), 0600);
    before_ = Fingerprint();
  }

  fs::path root() const { return base_.path() / "root"; }
  fs::path outside() const { return base_.path() / "outside"; }

  // The oracle; `confined_to` (relative to the root) also requires everything in the root to be that
  // directory, one of its parents, or below it.
  void CheckContained(const std::optional<std::string>& confined_to) const {
    FUZZ_CHECK(Fingerprint() == before_, "something outside the root changed");
    for (auto it = fs::recursive_directory_iterator(root()); it != fs::end(it); ++it) {
      const std::string relative = it->path().lexically_relative(root()).string();
      if (confined_to) {
        const bool inside = relative.rfind(*confined_to + "/", 0) == 0 || (*confined_to + "/").rfind(relative + "/", 0) == 0;
        FUZZ_CHECK(inside, relative + " was written outside " + *confined_to);
      }
      struct stat st {};
      FUZZ_CHECK(::lstat(it->path().c_str(), &st) == 0, relative);
      if (S_ISREG(st.st_mode)) {
        FUZZ_CHECK(ReadAll(it->path()).find(marker_) == std::string::npos, "the marker is in " + relative);
      }
    }
  }

  void Reset() const {
    const Status removed = snapshotter::RemoveAllAt(AT_FDCWD, root().string());
    FUZZ_CHECK(removed.ok(), removed.ToString());
    FUZZ_CHECK(::mkdir(root().c_str(), 0755) == 0, "mkdir " + root().string());
  }

 private:
  // Names, types, modes, owners, link counts and contents of everything in the sandbox but the root.
  std::string Fingerprint() const {
    std::string out;
    for (auto it = fs::recursive_directory_iterator(base_.path()); it != fs::end(it); ++it) {
      if (it->path() == root()) {
        it.disable_recursion_pending();
        continue;
      }
      struct stat st {};
      ::lstat(it->path().c_str(), &st);
      out += it->path().string() + " " + std::to_string(st.st_mode) + " " + std::to_string(st.st_uid) + ":" +
             std::to_string(st.st_gid) + " " + std::to_string(st.st_nlink) + "\n";
      if (S_ISREG(st.st_mode)) out += ReadAll(it->path()) + "\n";
    }
    return out;
  }

  TempDir base_;
  std::string marker_;
  std::string before_;
};

UniqueFd MemoryFile(const uint8_t* data, size_t size) {
  UniqueFd fd(::memfd_create("layer", MFD_CLOEXEC));
  FUZZ_CHECK(fd, "memfd_create");
  for (size_t done = 0; done < size;) {
    const ssize_t n = ::write(fd.get(), data + done, size - done);
    FUZZ_CHECK(n > 0, "write to memfd");
    done += static_cast<size_t>(n);
  }
  FUZZ_CHECK(::lseek(fd.get(), 0, SEEK_SET) == 0, "lseek");
  return fd;
}

}  // namespace
}  // namespace mybuild::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mybuild;
  using namespace mybuild::fuzz;
  static const LayerSandbox sandbox;  // removed at exit
  sandbox.Reset();

  ApplyOptions options;
  options.max_entries = 2000;
  options.max_total_bytes = 16ull << 20;
  const int mode = static_cast<int>(size % 4);
  if (mode == 1) options.devices = DevicePolicy::kCreate;
  if (mode == 3) {
    options.devices = DevicePolicy::kRefuse;
    options.chown = snapshotter::Ownership{1000, 1000};
  }
  RootFs::ForceFallbackForTesting(mode == 1 || mode == 3);

  StatusOr<RootFs> root = RootFs::Open(sandbox.root());
  FUZZ_CHECK(root.ok(), root.status().ToString());
  UniqueFd layer = MemoryFile(data, size);
  StatusOr<snapshotter::ApplyStats> applied =
      mode == 2 ? snapshotter::ExtractArchive(*root, "dest/sub", layer.get(), options)
                : snapshotter::ApplyLayer(*root, layer.get(), options);
  RootFs::ForceFallbackForTesting(false);
  if (!applied.ok()) FUZZ_CHECK(!applied.status().message().empty());
  sandbox.CheckContained(mode == 2 ? std::optional<std::string>("dest/sub") : std::nullopt);
  return 0;
}

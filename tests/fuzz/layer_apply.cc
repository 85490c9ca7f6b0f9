// Fuzz target "layer_apply": any bytes as a layer tar (plain or compressed), applied to an empty root.
//
// An input that starts with '!' is instead a list of entries, one a line, from which the target writes
// the tar itself (raw ustar headers, any bytes in names), so that mutations explore names, links and
// whiteouts instead of breaking header checksums: "TYPE NAME" or "TYPE NAME\tVALUE", TYPE being a ustar
// type flag ('0' file, '1' hardlink, '2' symlink, '3' char device, '4' block device, '5' directory,
// '6' FIFO) and VALUE the link target or the file content.
//
// The sandbox (made once per process): TMP/mybuild-fuzz-layer-XXXXXX/ holding "outside/marker" (a file
// with a unique text) and, for each input, a fresh "root/". SECURITY.md's oracle is checked after every
// input, whether the apply succeeded or not: nothing beside the root changed (names, types, modes, owners,
// link counts and contents), and no regular file inside the root is the marker (a hard link to it) or a
// copy of it. An error must have a message.
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
#include "tests/snapshotter/tar_builder.h"

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
    FUZZ_CHECK(::lstat((outside() / "marker").c_str(), &marker_stat_) == 0, "lstat marker");
    marker_hash_ = Hash(marker_);
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
        FUZZ_CHECK(st.st_dev != marker_stat_.st_dev || st.st_ino != marker_stat_.st_ino,
                   relative + " is a hard link to the marker outside the root");
        FUZZ_CHECK(Hash(ReadAll(it->path())) != marker_hash_, "the marker was copied into " + relative);
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

  // FNV-1a. Files are compared with the marker by hash, not by text: a string comparison would show the
  // marker to libFuzzer (it traces memcmp), which would then write it into a file itself.
  static uint64_t Hash(std::string_view text) {
    uint64_t hash = 14695981039346656037ull;
    for (unsigned char c : text) hash = (hash ^ c) * 1099511628211ull;
    return hash;
  }

  TempDir base_;
  std::string marker_;
  struct stat marker_stat_ {};
  uint64_t marker_hash_ = 0;
  std::string before_;
};

// The tar that an entry list (see the top of the file, without its '!') describes.
std::string TarFromEntryList(std::string_view list) {
  std::string tar;
  while (!list.empty()) {
    const size_t end = list.find('\n');
    std::string_view line = list.substr(0, end);
    list.remove_prefix(end == std::string_view::npos ? list.size() : end + 1);
    if (line.size() < 2) continue;
    const char type = line[0];
    line.remove_prefix(1);
    const size_t tab = line.find('\t');
    const std::string name(line.substr(0, tab));
    const std::string value(tab == std::string_view::npos ? "" : line.substr(tab + 1));
    const bool is_link = type == '1' || type == '2';
    tar += testing::RawTarEntry(name, type, type == '0' ? value : "", is_link ? value : "",
                                type == '5' ? 0755 : 0644);
  }
  return tar + testing::RawTarEnd();
}

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
  std::string listed;
  if (size > 0 && data[0] == '!') {
    listed = TarFromEntryList(AsText(data + 1, size - 1));
    data = reinterpret_cast<const uint8_t*>(listed.data());
  }
  UniqueFd layer = MemoryFile(data, listed.empty() ? size : listed.size());
  StatusOr<snapshotter::ApplyStats> applied =
      mode == 2 ? snapshotter::ExtractArchive(*root, "dest/sub", layer.get(), options)
                : snapshotter::ApplyLayer(*root, layer.get(), options);
  RootFs::ForceFallbackForTesting(false);
  if (!applied.ok()) FUZZ_CHECK(!applied.status().message().empty());
  sandbox.CheckContained(mode == 2 ? std::optional<std::string>("dest/sub") : std::nullopt);
  return 0;
}

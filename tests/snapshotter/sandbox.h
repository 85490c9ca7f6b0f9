// Test helper: a rootfs directory beside an "outside" directory holding a marker file, and the oracle
// of SECURITY.md: nothing outside the root changed, and no file inside the root contains the marker.
#ifndef MYBUILD_TESTS_SNAPSHOTTER_SANDBOX_H_
#define MYBUILD_TESTS_SNAPSHOTTER_SANDBOX_H_

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "snapshotter/layer_apply.h"
#include "snapshotter/rootfs.h"
#include "src/base/temp_dir.h"
#include "tests/test_support.h"
#include "tests/snapshotter/tar_builder.h"

namespace mybuild::testing {

namespace fs = std::filesystem;

inline std::string Slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

inline void Spit(const fs::path& p, const std::string& s) {
  std::ofstream f(p, std::ios::binary);
  f << s;
}

class Sandbox {
 public:
  Sandbox() {
    auto t = TempDir::Create({}, "snaptest-");
    REQUIRE(t.ok());
    tmp_ = std::move(t).value();
    root = tmp_.path() / "root";
    outside = tmp_.path() / "outside";
    fs::create_directories(root);
    fs::create_directories(outside);
    marker = "MARKER-" + std::to_string(::getpid()) + "-" + tmp_.path().filename().string();
    Spit(outside / "marker", marker);
    ::chmod((outside / "marker").c_str(), 0600);
    before_ = Fingerprint();
  }

  snapshotter::RootFs Rootfs() const {
    auto r = snapshotter::RootFs::Open(root);
    REQUIRE(r.ok());
    return std::move(r).value();
  }

  // Applies `tar` to the root and returns the status.
  Status Apply(const std::string& tar, const snapshotter::ApplyOptions& o = {}) {
    fs::path p = tmp_.path() / ("layer" + std::to_string(counter_++) + ".tar");
    Spit(p, tar);
    auto r = snapshotter::ApplyLayerFile(Rootfs(), p, o);
    fs::remove(p);
    return r.status();
  }

  // The oracle.
  void CheckContained() const {
    CHECK_MESSAGE(Fingerprint() == before_, "something outside the root changed");
    for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::none); it != fs::end(it); ++it) {
      if (it->is_symlink() || !it->is_regular_file()) continue;
      CHECK_MESSAGE(Slurp(it->path()).find(marker) == std::string::npos, "marker copied into " << it->path());
    }
  }

  fs::path root;
  fs::path outside;
  std::string marker;

 private:
  // Names, types, modes, owners, link counts and contents of everything beside the root.
  std::string Fingerprint() const {
    std::string out;
    for (const auto& top : {outside, tmp_.path()}) {
      for (auto it = fs::recursive_directory_iterator(top); it != fs::end(it); ++it) {
        if (it->path().string().rfind(root.string(), 0) == 0) {
          it.disable_recursion_pending();
          continue;
        }
        if (it->path().filename().string().rfind("layer", 0) == 0) continue;
        struct stat st {};
        ::lstat(it->path().c_str(), &st);
        out += it->path().string() + " " + std::to_string(st.st_mode) + " " + std::to_string(st.st_uid) + " " +
               std::to_string(st.st_nlink) + "\n";
        if (S_ISREG(st.st_mode)) out += Slurp(it->path()) + "\n";
      }
    }
    return out;
  }

  TempDir tmp_;
  std::string before_;
  int counter_ = 0;
};

}  // namespace mybuild::testing

#endif  // MYBUILD_TESTS_SNAPSHOTTER_SANDBOX_H_

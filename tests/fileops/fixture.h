// Helpers for the fileops tests: a context dir and a destination rootfs in a temp dir, with small
// functions to make and inspect files.
#ifndef MYBUILD_TESTS_FILEOPS_FIXTURE_H_
#define MYBUILD_TESTS_FILEOPS_FIXTURE_H_

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "snapshotter/rootfs.h"
#include "src/base/temp_dir.h"
#include "src/fileops/copier.h"

// REQUIRE that a Status or StatusOr is OK, printing the error otherwise.
#define REQUIRE_OK(expr)                                                        \
  do {                                                                          \
    auto mb_result_ = (expr);                                                   \
    REQUIRE_MESSAGE(mb_result_.ok(), ::mybuild::testing_detail::Describe(mb_result_)); \
  } while (0)

namespace mybuild::testing_detail {
inline std::string Describe(const Status& s) { return s.ToString(); }
template <typename T>
std::string Describe(const StatusOr<T>& s) { return s.status().ToString(); }
}  // namespace mybuild::testing_detail

namespace mybuild::fileops::testing {

namespace fs = std::filesystem;

inline void WriteText(const fs::path& path, const std::string& content, int mode = 0644) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
  REQUIRE(::chmod(path.c_str(), mode) == 0);
}

inline std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::optional<struct stat> LstatPath(const fs::path& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return std::nullopt;
  return st;
}

inline bool IsFile(const fs::path& p) { auto st = LstatPath(p); return st && S_ISREG(st->st_mode); }
inline bool IsDir(const fs::path& p) { auto st = LstatPath(p); return st && S_ISDIR(st->st_mode); }
inline bool IsLink(const fs::path& p) { auto st = LstatPath(p); return st && S_ISLNK(st->st_mode); }
inline uint32_t ModeOf(const fs::path& p) { return LstatPath(p)->st_mode & 07777; }

// A context directory and an (initially empty) destination rootfs.
struct CopyFixture {
  TempDir tmp = std::move(TempDir::Create().value());
  fs::path context = tmp.path() / "context";
  fs::path rootfs = tmp.path() / "rootfs";

  CopyFixture() {
    fs::create_directories(context);
    fs::create_directories(rootfs);
  }

  void Ctx(const std::string& rel, const std::string& content = "x", int mode = 0644) {
    WriteText(context / rel, content, mode);
  }

  StatusOr<CopyStats> Run(CopySpec spec, const PathFilter* dockerignore = nullptr, UrlFetcher* fetcher = nullptr,
                          const fs::path& source_dir = {}, GitClient* git = nullptr) {
    auto src = snapshotter::RootFs::Open(source_dir.empty() ? context : source_dir);
    REQUIRE(src.ok());
    auto dst = snapshotter::RootFs::Open(rootfs);
    REQUIRE(dst.ok());
    CopyEnvironment env;
    env.source_root = &*src;
    env.dockerignore = dockerignore;
    env.dest = &*dst;
    env.fetcher = fetcher;
    env.git = git;
    env.scratch_dir = tmp.path();
    return ExecuteCopy(spec, env);
  }
};

inline CopySpec Copy(std::vector<std::string> sources, std::string dest, std::string workdir = "/") {
  CopySpec spec;
  for (auto& s : sources) spec.sources.push_back(CopySource::Path(std::move(s)));
  spec.dest = std::move(dest);
  spec.workdir = std::move(workdir);
  return spec;
}

}  // namespace mybuild::fileops::testing

#endif  // MYBUILD_TESTS_FILEOPS_FIXTURE_H_

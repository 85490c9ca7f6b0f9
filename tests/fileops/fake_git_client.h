// A GitClient without git: refs resolve from a table, a checkout writes a fixed tree (files, an executable,
// a subdirectory, a symlink pointing out of the tree) and, with keep_git_dir, a small `.git` directory.
#ifndef MYBUILD_TESTS_FILEOPS_FAKE_GIT_CLIENT_H_
#define MYBUILD_TESTS_FILEOPS_FAKE_GIT_CLIENT_H_

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "src/fileops/git_client.h"

namespace mybuild::fileops::testing {

class FakeGitClient : public GitClient {
 public:
  static constexpr int64_t kCommitTime = 1600000000;

  std::map<std::string, ResolvedGitRef> refs;  // ref as written ("" = HEAD) → resolution
  std::vector<std::string> resolved;           // every Resolve call's ref
  std::vector<std::string> checked_out;        // every Checkout call's commit
  bool unreachable = false;

  StatusOr<ResolvedGitRef> Resolve(const GitSource& source) override {
    resolved.push_back(source.ref);
    if (unreachable) return Unavailable("git repository " + source.remote + " cannot be read");
    auto it = refs.find(source.ref);
    if (it == refs.end()) return NotFound("git ref \"" + source.ref + "\" not found in " + source.remote);
    return it->second;
  }

  StatusOr<GitCheckout> Checkout(const GitSource& source, const ResolvedGitRef& ref, const std::filesystem::path& dir,
                                 bool keep_git_dir) override {
    checked_out.push_back(ref.commit);
    Write(dir / "README", "commit " + ref.commit + "\n", 0644);
    Write(dir / "run.sh", "#!/bin/sh\n", 0755);
    std::filesystem::create_directories(dir / "sub/deep");
    Write(dir / "sub/a.txt", "a\n", 0644);
    Write(dir / "sub/deep/b.txt", "b\n", 0644);
    std::filesystem::create_symlink("../../../../etc/passwd", dir / "sub/escape");
    if (keep_git_dir) {
      std::filesystem::create_directories(dir / ".git/refs");
      Write(dir / ".git/HEAD", ref.commit + "\n", 0644);
    }
    return GitCheckout{kCommitTime};
  }

 private:
  static void Write(const std::filesystem::path& path, const std::string& content, mode_t mode) {
    std::ofstream(path) << content;
    ::chmod(path.c_str(), mode);
  }
};

}  // namespace mybuild::fileops::testing

#endif  // MYBUILD_TESTS_FILEOPS_FAKE_GIT_CLIENT_H_

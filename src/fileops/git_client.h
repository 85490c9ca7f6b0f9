// ADD <git repository>: the side effects on a remote repository, behind an interface so that the copier
// and the worker are tested with a fake. HostGitClient (host_git_client.h) runs the host's git.
#ifndef MYBUILD_FILEOPS_GIT_CLIENT_H_
#define MYBUILD_FILEOPS_GIT_CLIENT_H_

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "src/base/status.h"
#include "src/fileops/git_source.h"

namespace mybuild::fileops {

struct ResolvedGitRef {
  std::string commit;    // full commit id (a tag is peeled to its commit)
  std::string ref_name;  // the remote ref it came from ("refs/heads/main", "refs/tags/v1", "HEAD"); "" for a sha
  bool operator==(const ResolvedGitRef&) const = default;
};

struct GitCheckout {
  int64_t commit_time = 0;  // the commit's committer time, seconds since the epoch
};

class GitClient {
 public:
  virtual ~GitClient() = default;
  // The commit source.ref names on source.remote now (a full commit sha is taken as it is, without asking
  // the remote). kUnavailable when the remote cannot be read; kNotFound for an unknown ref.
  virtual StatusOr<ResolvedGitRef> Resolve(const GitSource& source) = 0;
  // Fetches `resolved.commit` from source.remote and writes its whole tree (submodules left empty) into
  // `dir`, an existing empty directory. With keep_git_dir the tree keeps a real `.git` directory (HEAD at
  // the commit, on the branch when the ref was one); without it there is no `.git` at all.
  virtual StatusOr<GitCheckout> Checkout(const GitSource& source, const ResolvedGitRef& resolved,
                                         const std::filesystem::path& dir, bool keep_git_dir) = 0;
};

// client.Resolve(source), then ADD --checksum: for a git source it is the commit id or a prefix of it
// (BuildKit's rule); a mismatch is kDataLoss naming both.
StatusOr<ResolvedGitRef> ResolveGitSource(GitClient& client, const GitSource& source, std::string_view checksum);

}  // namespace mybuild::fileops

#endif  // MYBUILD_FILEOPS_GIT_CLIENT_H_

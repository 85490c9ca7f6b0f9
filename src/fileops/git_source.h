// ADD <git repository>: what a git source word means (BuildKit's syntax).
//
//   https://host/owner/repo.git[#REF[:SUBDIR]]   http:// too (BuildKit accepts it; local test servers)
//   git@host:owner/repo.git[#REF[:SUBDIR]]       scp-like ssh
//   ssh://[user@]host/path[#…], git://host/path[#…]
//
// REF is a branch, a tag, a full ref ("refs/heads/x") or a full commit sha; empty means the remote's HEAD.
// SUBDIR selects one directory of the checkout whose content is copied. Both are checked here so that
// neither can become an option of the git command line (a leading '-') nor leave the checkout ("..").
#ifndef MYBUILD_FILEOPS_GIT_SOURCE_H_
#define MYBUILD_FILEOPS_GIT_SOURCE_H_

#include <string>
#include <string_view>

#include "src/base/status.h"

namespace mybuild::fileops {

struct GitSource {
  std::string remote;  // the URL without its fragment, as git is given it
  std::string ref;     // "" = HEAD
  std::string subdir;  // "" = the whole tree; else relative, normalised ("a/b"), no ".." component
  bool operator==(const GitSource&) const = default;
};

// kInvalidArgument naming the source when the remote, the ref or the subdir is not acceptable.
StatusOr<GitSource> ParseGitSource(std::string_view text);

// True for a full commit id: 40 (SHA-1) or 64 (SHA-256) lowercase hex digits.
bool IsFullCommitSha(std::string_view text);

}  // namespace mybuild::fileops

#endif  // MYBUILD_FILEOPS_GIT_SOURCE_H_

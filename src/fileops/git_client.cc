#include "src/fileops/git_client.h"

namespace mybuild::fileops {

StatusOr<ResolvedGitRef> ResolveGitSource(GitClient& client, const GitSource& source, std::string_view checksum) {
  MB_ASSIGN_OR_RETURN(ResolvedGitRef resolved, client.Resolve(source));
  if (!checksum.empty() && resolved.commit.compare(0, checksum.size(), checksum) != 0) {
    return DataLoss("checksum mismatch for git repository " + source.remote +
                    (source.ref.empty() ? "" : "#" + source.ref) + ": expected commit " + std::string(checksum) +
                    ", got " + resolved.commit);
  }
  return resolved;
}

}  // namespace mybuild::fileops

// The real GitClient: the host's `git` program (Debian package `git`), run without a shell.
//
// Each call gets a fresh private HOME under the scratch directory and a clean environment: no system or
// user configuration (GIT_CONFIG_NOSYSTEM, GIT_CONFIG_GLOBAL=/dev/null), no prompts (GIT_TERMINAL_PROMPT=0,
// ssh in BatchMode), no hooks or templates, only the http, https, ssh and git transports (no ext::, no
// file://); proxies and SSH_AUTH_SOCK come from our environment. Every git command has a timeout.
// Refs and remotes were checked by ParseGitSource, so none of them can start with '-'.
#ifndef MYBUILD_FILEOPS_HOST_GIT_CLIENT_H_
#define MYBUILD_FILEOPS_HOST_GIT_CLIENT_H_

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "src/fileops/git_client.h"

namespace mybuild::fileops {

class HostGitClient : public GitClient {
 public:
  struct Options {
    std::chrono::seconds resolve_timeout{120};  // git ls-remote
    std::chrono::seconds fetch_timeout{1800};   // each git fetch
    std::string git = "git";                    // the program, found in $PATH
  };
  // `scratch_dir`: where the private HOME directories are made ($TMPDIR when empty).
  explicit HostGitClient(std::filesystem::path scratch_dir) : HostGitClient(std::move(scratch_dir), Options{}) {}
  HostGitClient(std::filesystem::path scratch_dir, Options options)
      : scratch_dir_(std::move(scratch_dir)), options_(std::move(options)) {}

  StatusOr<ResolvedGitRef> Resolve(const GitSource& source) override;
  // Fetches the commit alone (--depth 1) when the server allows it, else the ref it was resolved from
  // (git's dumb http protocol has no shallow fetch). The tree's modes are 0755 for directories and for
  // files git marks executable, 0644 for the other files, whatever our umask.
  StatusOr<GitCheckout> Checkout(const GitSource& source, const ResolvedGitRef& resolved,
                                 const std::filesystem::path& dir, bool keep_git_dir) override;

 private:
  struct Output {
    int exit_code = 0;
    std::string out;
    std::string err;
  };
  // Runs `git -c … <args>` with HOME=home; kUnavailable when git cannot run or times out.
  StatusOr<Output> Git(const std::filesystem::path& home, const std::vector<std::string>& args,
                       std::chrono::seconds timeout) const;

  std::filesystem::path scratch_dir_;
  Options options_;
};

}  // namespace mybuild::fileops

#endif  // MYBUILD_FILEOPS_HOST_GIT_CLIENT_H_

#include "src/fileops/host_git_client.h"

#include <sys/stat.h>

#include <cstdlib>
#include <map>
#include <system_error>

#include "src/base/temp_dir.h"
#include "src/fileops/host_command.h"

namespace mybuild::fileops {
namespace {

// The configuration every git command gets on its command line (it wins over any file).
const char* const kConfig[] = {
    "protocol.allow=never",          "protocol.https.allow=always", "protocol.http.allow=always",
    "protocol.ssh.allow=always",     "protocol.git.allow=always",   "core.hooksPath=/dev/null",
    "core.fsmonitor=false",          "core.symlinks=true",          "advice.detachedHead=false",
    "init.defaultBranch=main",       "submodule.recurse=false",     "credential.helper=",
    // No reflogs: they hold the time of the checkout and this host's user name (a kept .git must be the
    // same bytes for the same commit).
    "core.logAllRefUpdates=false",
};

// Variables passed through from our environment.
const char* const kPassedThrough[] = {"PATH",        "http_proxy", "https_proxy", "no_proxy", "all_proxy",
                                      "HTTP_PROXY",  "HTTPS_PROXY", "NO_PROXY",   "ALL_PROXY", "SSH_AUTH_SOCK"};

std::vector<std::string> CleanEnvironment(const std::filesystem::path& home) {
  std::vector<std::string> env = {"HOME=" + home.string(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null",
                                  "GIT_TERMINAL_PROMPT=0", "GIT_ASKPASS=/bin/false", "SSH_ASKPASS=/bin/false",
                                  "GIT_SSH_COMMAND=ssh -o BatchMode=yes", "LC_ALL=C"};
  for (const char* name : kPassedThrough) {
    if (const char* value = std::getenv(name)) env.push_back(std::string(name) + "=" + value);
  }
  if (std::getenv("PATH") == nullptr) env.push_back("PATH=/usr/local/bin:/usr/bin:/bin");
  return env;
}

// The last line git wrote to stderr ("fatal: …"), for error messages.
std::string LastLine(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  size_t newline = text.rfind('\n');
  return newline == std::string::npos ? text : text.substr(newline + 1);
}

// `git ls-remote` output: ref name → object id.
std::map<std::string, std::string> ParseLsRemote(const std::string& out) {
  std::map<std::string, std::string> refs;
  size_t start = 0;
  while (start < out.size()) {
    size_t end = out.find('\n', start);
    if (end == std::string::npos) end = out.size();
    std::string line = out.substr(start, end - start);
    size_t tab = line.find('\t');
    if (tab != std::string::npos) refs[line.substr(tab + 1)] = line.substr(0, tab);
    start = end + 1;
  }
  return refs;
}

// Git records only the executable bit; the checkout's modes follow our umask, so they are fixed here.
Status NormaliseModes(const std::filesystem::path& dir) {
  std::error_code error;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, error);
       !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) != 0) return ErrnoError("lstat " + it->path().string());
    mode_t mode = 0;
    if (S_ISDIR(st.st_mode)) {
      mode = 0755;
    } else if (S_ISREG(st.st_mode)) {
      mode = (st.st_mode & S_IXUSR) ? 0755 : 0644;
    } else {
      continue;  // symlinks have no mode of their own
    }
    if (::chmod(it->path().c_str(), mode) != 0) return ErrnoError("chmod " + it->path().string());
  }
  if (error) return Status(StatusCode::kIo, "walk " + dir.string() + ": " + error.message());
  return Status::Ok();
}

}  // namespace

StatusOr<HostGitClient::Output> HostGitClient::Git(const std::filesystem::path& home,
                                                   const std::vector<std::string>& args,
                                                   std::chrono::seconds timeout) const {
  HostCommand command;
  command.argv.push_back(options_.git);
  for (const char* config : kConfig) {
    command.argv.push_back("-c");
    command.argv.push_back(config);
  }
  command.argv.insert(command.argv.end(), args.begin(), args.end());
  command.env = CleanEnvironment(home);
  command.timeout = timeout;
  StatusOr<HostCommandResult> ran = RunHostCommand(command);
  if (!ran.ok()) {
    return Unavailable("git " + args.front() + ": " + ran.status().message() +
                       (ran.status().code() == StatusCode::kNotFound ? " (install the package git)" : ""));
  }
  return Output{ran->exit_code, std::move(ran->out), std::move(ran->err)};
}

StatusOr<ResolvedGitRef> HostGitClient::Resolve(const GitSource& source) {
  if (IsFullCommitSha(source.ref)) return ResolvedGitRef{source.ref, ""};
  MB_ASSIGN_OR_RETURN(TempDir home, TempDir::Create(scratch_dir_, "git-home-"));
  MB_ASSIGN_OR_RETURN(Output listed, Git(home.path(), {"ls-remote", source.remote}, options_.resolve_timeout));
  if (listed.exit_code != 0) {
    return Unavailable("git repository " + source.remote + " cannot be read: " + LastLine(listed.err));
  }
  const std::map<std::string, std::string> refs = ParseLsRemote(listed.out);
  std::vector<std::string> candidates;
  if (source.ref.empty()) {
    candidates = {"HEAD"};
  } else {
    // git's own order (git rev-parse): the name as given under refs/, then tags, then branches.
    if (source.ref.rfind("refs/", 0) == 0) candidates.push_back(source.ref);
    candidates.push_back("refs/tags/" + source.ref);
    candidates.push_back("refs/heads/" + source.ref);
  }
  for (const std::string& name : candidates) {
    // An annotated tag is listed twice; "^{}" is the commit it points to.
    if (auto peeled = refs.find(name + "^{}"); peeled != refs.end()) return ResolvedGitRef{peeled->second, name};
    if (auto found = refs.find(name); found != refs.end()) return ResolvedGitRef{found->second, name};
  }
  return NotFound("git ref \"" + (source.ref.empty() ? std::string("HEAD") : source.ref) + "\" not found in " +
                  source.remote);
}

StatusOr<GitCheckout> HostGitClient::Checkout(const GitSource& source, const ResolvedGitRef& resolved,
                                              const std::filesystem::path& dir, bool keep_git_dir) {
  MB_ASSIGN_OR_RETURN(TempDir home, TempDir::Create(scratch_dir_, "git-home-"));
  const std::string tree = dir.string();
  auto run = [&](std::vector<std::string> args, std::chrono::seconds timeout) -> StatusOr<Output> {
    args.insert(args.begin(), {"-C", tree});
    return Git(home.path(), args, timeout);
  };
  auto must = [&](std::vector<std::string> args) -> Status {
    MB_ASSIGN_OR_RETURN(Output out, run(args, options_.resolve_timeout));
    if (out.exit_code != 0) return Internal("git " + args.front() + " in " + tree + ": " + LastLine(out.err));
    return Status::Ok();
  };
  MB_RETURN_IF_ERROR(must({"init", "-q", "--template=", "."}));
  MB_RETURN_IF_ERROR(must({"remote", "add", "origin", source.remote}));

  // The commit alone when the server lets us name it; else the ref it came from, or (a sha named
  // directly) every branch and tag.
  std::vector<std::vector<std::string>> attempts = {
      {"fetch", "-q", "--no-tags", "--depth", "1", "origin", resolved.commit}};
  if (!resolved.ref_name.empty()) {
    attempts.push_back({"fetch", "-q", "--no-tags", "--depth", "1", "origin", resolved.ref_name});
    attempts.push_back({"fetch", "-q", "--no-tags", "origin", resolved.ref_name});
  } else {
    attempts.push_back({"fetch", "-q", "--no-tags", "origin", "+refs/heads/*:refs/remotes/origin/*",
                        "+refs/tags/*:refs/tags/*"});
  }
  std::string last_error;
  bool have_commit = false;
  for (const std::vector<std::string>& attempt : attempts) {
    MB_ASSIGN_OR_RETURN(Output fetched, run(attempt, options_.fetch_timeout));
    if (fetched.exit_code != 0) {
      last_error = LastLine(fetched.err);
      continue;
    }
    MB_ASSIGN_OR_RETURN(Output present, run({"cat-file", "-e", resolved.commit + "^{commit}"}, options_.resolve_timeout));
    if (present.exit_code == 0) {
      have_commit = true;
      break;
    }
    last_error = "commit " + resolved.commit + " is not on " + resolved.ref_name + " any more";
  }
  if (!have_commit) {
    return Unavailable("git fetch of " + resolved.commit + " from " + source.remote + " failed: " + last_error);
  }

  const std::string branch_prefix = "refs/heads/";
  if (keep_git_dir && resolved.ref_name.rfind(branch_prefix, 0) == 0) {
    MB_RETURN_IF_ERROR(must({"checkout", "-q", "-B", resolved.ref_name.substr(branch_prefix.size()), resolved.commit}));
  } else {
    MB_RETURN_IF_ERROR(must({"checkout", "-q", "--detach", resolved.commit}));
  }
  if (keep_git_dir) {
    // The index records each file's inode, device and change time; read afresh from the commit it has
    // none (git refreshes them on first use), so the kept .git does not depend on this checkout.
    MB_RETURN_IF_ERROR(must({"read-tree", resolved.commit}));
  }
  MB_ASSIGN_OR_RETURN(Output shown, run({"show", "-s", "--format=%ct", resolved.commit}, options_.resolve_timeout));
  GitCheckout checkout;
  char* end = nullptr;
  checkout.commit_time = std::strtoll(shown.out.c_str(), &end, 10);
  if (shown.exit_code != 0 || end == shown.out.c_str()) {
    return Internal("git show " + resolved.commit + ": no commit time: " + LastLine(shown.err));
  }
  if (!keep_git_dir) {
    std::error_code error;
    std::filesystem::remove_all(dir / ".git", error);
    if (error) return Status(StatusCode::kIo, "remove " + (dir / ".git").string() + ": " + error.message());
  }
  MB_RETURN_IF_ERROR(NormaliseModes(dir));
  return checkout;
}

}  // namespace mybuild::fileops

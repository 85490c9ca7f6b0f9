#include "src/cli/info_command.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <set>
#include <utility>

#include "fmt/format.h"
#include "src/cli/exit_codes.h"
#include "src/cli/mount_namespace.h"
#include "src/cli/store_access.h"
#include "src/cli/store_format.h"
#include "src/rootless/doctor.h"
#include "src/rootless/user_namespace.h"

namespace mybuild::cli {
namespace {

// Bytes on disk below `dir` (hard links once), not following symlinks.
uint64_t DiskUsage(const std::filesystem::path& dir) {
  uint64_t total = 0;
  std::set<std::pair<dev_t, ino_t>> seen;
  std::error_code error;
  const auto options = std::filesystem::directory_options::skip_permission_denied;
  for (std::filesystem::recursive_directory_iterator it(dir, options, error), end; !error && it != end;
       it.increment(error)) {
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) != 0) continue;
    if (st.st_nlink > 1 && !S_ISDIR(st.st_mode) && !seen.emplace(st.st_dev, st.st_ino).second) continue;
    total += static_cast<uint64_t>(st.st_blocks) * 512;
  }
  return total;
}

std::string Yes(bool value) { return value ? "yes" : "no"; }

int RunInfo(const GlobalOptions& global) {
  const rootless::Identity& identity = rootless::CurrentIdentity();
  std::unique_ptr<rootless::HostProbe> probe = rootless::NewSystemProbe();
  const rootless::HostFacts facts = rootless::GatherFacts(*probe);
  const std::string user = facts.user.empty() ? "?" : facts.user;
  std::cout << "Rootless: " << Yes(identity.rootless) << "\n";
  std::cout << " User: " << user << " (uid " << facts.uid << ")\n";
  std::cout << " UID map: " << rootless::DescribeIdMap(identity.uid_map) << "\n";
  std::cout << " GID map: " << rootless::DescribeIdMap(identity.gid_map) << "\n";
  if (identity.single_id) std::cout << " Subordinate ids: none (only uid 0 is mapped)\n";

  StatusOr<LocalStore> store = OpenLocalStore(global, cache::FileLock::Mode::kShared);
  if (!store.ok()) {
    std::cerr << "error: " << store.status().ToString() << "\n";
    return kExitFailure;
  }
  std::cout << "State root: " << store->root.string() << "\n";
  StatusOr<std::filesystem::path> runtime = rootless::RuntimeDir();
  std::cout << "Runtime dir: " << (runtime.ok() ? runtime->string() : runtime.status().ToString()) << "\n";
  std::string snapshotter = "?";
  if (Status private_mounts = EnterPrivateMountNamespace(); !private_mounts.ok()) {
    snapshotter = "? (" + private_mounts.ToString() + ")";
  } else if (StatusOr<SnapshotterChoice> chosen = ChooseSnapshotter(store->root, "auto"); chosen.ok()) {
    snapshotter = chosen->name + " (" + chosen->reason + ")";
  } else {
    snapshotter = "none (" + chosen.status().ToString() + ")";
  }
  std::cout << "Snapshotter: " << snapshotter << "\n";
  std::cout << "Kernel: " << facts.kernel_release << "\n";
  std::cout << "Cgroup version: " << facts.cgroup << "\n";
  std::cout << "Seccomp: " << Yes(facts.seccomp) << "\n";
  std::cout << "binfmt_misc:";
  if (facts.binfmt.empty()) std::cout << " none";
  std::cout << "\n";
  for (const auto& [name, interpreter] : facts.binfmt) std::cout << " " << name << ": " << interpreter << "\n";
  std::cout << "Disk usage: " << HumanSize(DiskUsage(store->root)) << " in " << store->root.string() << "\n";
  const std::vector<rootless::Finding> findings = rootless::Diagnose(facts);
  for (const rootless::Finding& finding : findings) {
    std::cout << (finding.severity == rootless::Severity::kBlocker ? "ERROR: " : "WARNING: ") << finding.problem
              << "\n";
  }
  return kExitOk;
}

int RunDoctor(const GlobalOptions& global) {
  std::unique_ptr<rootless::HostProbe> probe = rootless::NewSystemProbe();
  const rootless::HostFacts facts = rootless::GatherFacts(*probe);
  std::vector<rootless::Finding> findings = rootless::Diagnose(facts);
  // A state root that another user owns (doctor runs outside the namespace: the owner reads as it is).
  const std::filesystem::path root = ResolveRoot(global);
  struct stat st {};
  if (::stat(root.c_str(), &st) == 0 && st.st_uid != ::getuid()) {
    const std::string owner = rootless::HostUserName(st.st_uid);
    findings.insert(findings.begin(),
                    rootless::Finding{rootless::Severity::kBlocker,
                                      fmt::format("the state root {} belongs to {} (uid {})", root.string(),
                                                  owner.empty() ? "another user" : owner, st.st_uid),
                                      "choose your own with --root or MYBUILD_ROOT"});
  }
  bool blocked = false;
  for (const rootless::Finding& finding : findings) {
    const bool blocker = finding.severity == rootless::Severity::kBlocker;
    blocked = blocked || blocker;
    std::cout << (blocker ? "error: " : "warning: ") << finding.problem << "; fix: " << finding.fix << "\n";
  }
  if (findings.empty()) {
    std::cout << "ok: " << (facts.uid == 0 ? "rootful" : "rootless") << " builds can run here\n";
  } else if (!blocked) {
    std::cout << "ok: builds can run here, with the limits above\n";
  }
  return blocked ? kExitFailure : kExitOk;
}

}  // namespace

void AddInfoCommands(CLI::App& app, const GlobalOptions& global, std::function<int()>& run) {
  CLI::App* info = app.add_subcommand("info", "Show how mybuild runs here (rootless, id maps, snapshotter, kernel)");
  info->callback([&global, &run] { run = [&global] { return RunInfo(global); }; });
  CLI::App* doctor =
      app.add_subcommand("doctor", "Check the set-up (user namespaces, subuid ranges, overlayfs) and say what to fix");
  doctor->callback([&global, &run] { run = [&global] { return RunDoctor(global); }; });
}

}  // namespace mybuild::cli

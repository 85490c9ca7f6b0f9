#include "src/rootless/doctor.h"

#include <algorithm>
#include <charconv>

#include "fmt/format.h"

namespace mybuild::rootless {
namespace {

std::optional<int64_t> ReadNumber(HostProbe& probe, const std::string& path) {
  std::optional<std::string> text = probe.ReadText(path);
  if (!text) return std::nullopt;
  size_t begin = text->find_first_not_of(" \t\n");
  if (begin == std::string::npos) return std::nullopt;
  int64_t value = 0;
  auto [end, error] = std::from_chars(text->data() + begin, text->data() + text->size(), value);
  if (error != std::errc()) return std::nullopt;
  return value;
}

// "interpreter /usr/bin/qemu-aarch64-static" of an enabled binfmt_misc entry; "" when disabled.
std::string BinfmtInterpreter(const std::string& text) {
  if (text.rfind("enabled", 0) != 0) return "";
  const size_t at = text.find("interpreter ");
  if (at == std::string::npos) return "";
  const size_t begin = at + 12;
  return text.substr(begin, text.find('\n', begin) - begin);
}

}  // namespace

HostFacts GatherFacts(HostProbe& probe) {
  HostFacts facts;
  facts.uid = probe.HostUid();
  facts.user = probe.HostUserName();
  if (std::optional<std::string> text = probe.ReadText("/etc/subuid")) {
    facts.subuid = FindSubordinateRange(*text, facts.user, facts.uid);
  }
  if (std::optional<std::string> text = probe.ReadText("/etc/subgid")) {
    facts.subgid = FindSubordinateRange(*text, facts.user, facts.uid);
  }
  facts.newuidmap = probe.HasProgram("newuidmap");
  facts.newgidmap = probe.HasProgram("newgidmap");
  facts.max_user_namespaces = ReadNumber(probe, "/proc/sys/user/max_user_namespaces");
  facts.unprivileged_userns_clone = ReadNumber(probe, "/proc/sys/kernel/unprivileged_userns_clone");
  facts.apparmor_restrict_userns = ReadNumber(probe, "/proc/sys/kernel/apparmor_restrict_unprivileged_userns");
  facts.kernel_release = probe.KernelRelease();
  std::sscanf(facts.kernel_release.c_str(), "%d.%d", &facts.kernel_major, &facts.kernel_minor);
  facts.cgroup = probe.CgroupVersion();
  if (std::optional<std::string> status = probe.ReadText("/proc/self/status")) {
    facts.seccomp = status->find("\nSeccomp:") != std::string::npos;
  }
  for (const std::string& name : probe.ListDir("/proc/sys/fs/binfmt_misc")) {
    if (name == "register" || name == "status") continue;
    std::optional<std::string> text = probe.ReadText("/proc/sys/fs/binfmt_misc/" + name);
    if (!text) continue;
    std::string interpreter = BinfmtInterpreter(*text);
    if (!interpreter.empty()) facts.binfmt.emplace_back(name, std::move(interpreter));
  }
  facts.userns_error = probe.TryUserNamespace();
  return facts;
}

std::vector<Finding> Diagnose(const HostFacts& facts) {
  std::vector<Finding> out;
  const auto add = [&](Severity severity, std::string problem, std::string fix) {
    out.push_back(Finding{severity, std::move(problem), std::move(fix)});
  };
  const bool root = facts.uid == 0;
  const std::string who = facts.user.empty() ? std::to_string(facts.uid) : facts.user;
  if (!root) {
    bool explained = false;
    if (facts.max_user_namespaces && *facts.max_user_namespaces == 0) {
      add(Severity::kBlocker, "user namespaces are switched off (user.max_user_namespaces=0)",
          "sysctl -w user.max_user_namespaces=28633 (as root; keep it in /etc/sysctl.d/)");
      explained = true;
    }
    if (facts.unprivileged_userns_clone && *facts.unprivileged_userns_clone == 0) {
      add(Severity::kBlocker, "unprivileged user namespaces are switched off (kernel.unprivileged_userns_clone=0)",
          "sysctl -w kernel.unprivileged_userns_clone=1 (as root; keep it in /etc/sysctl.d/)");
      explained = true;
    }
    if (facts.apparmor_restrict_userns && *facts.apparmor_restrict_userns != 0) {
      add(Severity::kBlocker,
          "AppArmor keeps unprivileged programs out of user namespaces (kernel.apparmor_restrict_unprivileged_userns=1)",
          "sysctl -w kernel.apparmor_restrict_unprivileged_userns=0, or an AppArmor profile with 'userns,' for mybuild");
      explained = true;
    }
    if (!facts.userns_error.empty() && !explained) {
      add(Severity::kBlocker, "a user namespace cannot be made: " + facts.userns_error,
          "check the kernel's user namespace settings (mybuild doctor --log-level debug) and seccomp/AppArmor policy");
    }
    if (!facts.newuidmap || !facts.newgidmap) {
      add(Severity::kWarning, "newuidmap/newgidmap are missing: only uid 0 can be mapped, so RUN cannot chown",
          "apt-get install uidmap (as root)");
    }
    if (!facts.subuid || !facts.subgid) {
      add(Severity::kWarning,
          fmt::format("no subordinate {} range for {} in {}: only uid 0 can be mapped, so RUN cannot chown or useradd",
                      !facts.subuid ? "uid" : "gid", who, !facts.subuid ? "/etc/subuid" : "/etc/subgid"),
          fmt::format("usermod --add-subuids 100000-165535 --add-subgids 100000-165535 {} (as root)", who));
    } else if (facts.subuid->count < 65536 || facts.subgid->count < 65536) {
      add(Severity::kWarning,
          fmt::format("the subordinate range of {} maps fewer than 65536 ids: images with ids above {} fail", who,
                      std::min(facts.subuid->count, facts.subgid->count)),
          fmt::format("give {} a range of 65536 ids in /etc/subuid and /etc/subgid", who));
    }
  }
  const bool overlay_in_userns = facts.kernel_major > 5 || (facts.kernel_major == 5 && facts.kernel_minor >= 11);
  if (!root && !overlay_in_userns) {
    add(Severity::kWarning,
        fmt::format("kernel {} cannot mount overlayfs in a user namespace (5.11 can): snapshots are copied, slowly",
                    facts.kernel_release),
        "a Linux 5.11 or newer kernel");
  }
  if (facts.cgroup != "v2") {
    add(Severity::kWarning, fmt::format("no cgroup v2 hierarchy on /sys/fs/cgroup ({}): --memory, --pids-limit "
                                        "and --cgroup-parent do not work",
                                        facts.cgroup),
        "boot with systemd.unified_cgroup_hierarchy=1");
  }
  if (!facts.seccomp) {
    add(Severity::kWarning, "the kernel has no seccomp: RUN steps are not filtered", "a kernel with CONFIG_SECCOMP_FILTER");
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Finding& a, const Finding& b) { return a.severity == Severity::kBlocker && b.severity != a.severity; });
  return out;
}

}  // namespace mybuild::rootless
